package dev.genapi.it;

import dev.genapi.cluster.Addresses;
import dev.genapi.cluster.ClusterOptions;
import dev.genapi.cluster.ClusterSupport;
import dev.genapi.gateway.Gateway;
import dev.genapi.relay.Relay;
import dev.genapi.testing.Http;
import dev.genapi.testing.Jwts;
import dev.genapi.testing.NodeClients;
import dev.genapi.testing.TestCluster;
import dev.genapi.testing.WsClient;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.Supplier;

import static dev.genapi.it.RelayClient.group;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Relay membership follows connections, across three gateways in clustered Vert.x instances of their own: a send
 * reaches members over native WebSocket and the npm {@code phoenix} client on two gateways; a connection that closes
 * leaves its groups; a gateway whose cluster member dies takes its members with it; HTTP and argument rules.
 */
@DisplayName("Relay groups: membership follows connections and gateways")
@ExtendWith(VertxExtension.class)
class RelayMembershipClusterTest {

  private static ClusterOptions cluster;
  private static Vertx gatewayA;
  private static Vertx gatewayB;
  private static Vertx gatewayC;
  private static Vertx client;
  private static Gateway a;
  private static Gateway b;
  private static Gateway c;

  @BeforeAll
  static void start(VertxTestContext test) {
    cluster = TestCluster.newCluster();
    client = Vertx.vertx();
    TestCluster.join(cluster).compose(first -> {
      gatewayA = first;
      return TestCluster.join(cluster);
    }).compose(second -> {
      gatewayB = second;
      return TestCluster.join(cluster);
    }).compose(third -> {
      gatewayC = third;
      return Gateway.start(gatewayA, RelayClusterTest.options());
    }).compose(started -> {
      a = started;
      return Gateway.start(gatewayB, RelayClusterTest.options());
    }).compose(started -> {
      b = started;
      return Gateway.start(gatewayC, RelayClusterTest.options());
    }).onComplete(test.succeeding(started -> {
      c = started;
      test.completeNow();
    }));
  }

  @AfterAll
  static void stop(VertxTestContext test) {
    TestCluster.leave(client, gatewayC, gatewayB, gatewayA).onComplete(test.succeedingThenComplete());
  }

  private static String token(String user) {
    return Jwts.token(client, Jwts.SECRET, user, new JsonArray(), 600);
  }

  private static Future<RelayClient> on(Gateway gateway, String user) {
    return RelayClient.open(client, gateway.port(), token(user));
  }

  @Test
  @Timeout(value = 45, timeUnit = TimeUnit.SECONDS) // the phoenix client: up to 15 s to join, 15 s for its pushes
  @DisplayName("a send reaches a native WebSocket member on one gateway and a phoenix member on the other, in order")
  void nativeAndPhoenix(VertxTestContext test) {
    as(List.of(a, b), List.of("ann", "ben"), clients -> {
      RelayClient ann = clients.get(0);
      RelayClient ben = clients.get(1);
      return ann.succeeds("create_group", group("mixed").put("type", "public"))
        .compose(v -> blocking(() -> NodeClients.start("phoenix-push.js", "ws://127.0.0.1:" + b.port() + "/socket",
          token("pat"), "2", "mixed")))
        .compose(phoenix -> blocking(() -> {
          phoenix.awaitLine("member", 15_000);
          return phoenix;
        }))
        .compose(phoenix -> ben.succeeds("join_group", group("mixed"))
          .compose(v -> eachInTurn(List.of("first", "second"), text -> ann.succeeds("send",
              group("mixed").put("message", text))
            .map(sent -> assertThat(sent.getInteger("recipients_count")).isEqualTo(3))))
          .compose(v -> blocking(() -> phoenix.result(15_000))))
        .map(RelayMembershipClusterTest::phoenixMemberSawBoth)
        .compose(v -> ben.received(2))
        .map(messages -> assertThat(messages).extracting(p -> p.getJsonObject("result").getString("message"))
          .containsExactly("first", "second"))
        .compose(v -> ann.received(2))
        .map(messages -> assertThat(messages).extracting(p -> p.getJsonObject("result").getString("from_user_id"))
          .containsExactly("ann", "ann"));
    }).onComplete(test.succeedingThenComplete());
  }

  private static Void phoenixMemberSawBoth(JsonObject seen) {
    assertThat(seen.getJsonObject("join")).isEqualTo(new JsonObject().put("status", "active"));
    JsonArray pushes = seen.getJsonArray("pushes");
    assertThat(pushes.stream().map(p -> ((JsonObject) p).getJsonObject("result").getString("message")))
      .containsExactly("first", "second");
    assertThat(pushes.getJsonObject(0).getString("push")).isEqualTo("group:mixed");
    return null;
  }

  @Test
  @Timeout(value = 50, timeUnit = TimeUnit.SECONDS) // two waits of up to 20 s for the membership to converge
  @DisplayName("a member whose connection closes is gone from group_info; a group left empty is gone")
  void closedConnectionLeaves(VertxTestContext test) {
    as(List.of(a), List.of("ann2"), clients -> {
      RelayClient ann = clients.get(0);
      return ann.succeeds("create_group", group("closing").put("type", "public"))
        .compose(v -> on(b, "ben2"))
        .compose(ben -> ben.succeeds("join_group", group("closing")).eventually(ben::shutdown))
        .compose(v -> converges(() -> members(ann, "closing"), Set.of("ann2")))
        .compose(v -> on(b, "solo2"))
        .compose(solo -> solo.succeeds("create_group", group("alone").put("type", "private"))
          .eventually(solo::shutdown))
        .compose(v -> converges(() -> code(ann, "alone"), "NOT_FOUND"));
    }).onComplete(test.succeedingThenComplete());
  }

  @Test
  @Timeout(value = 50, timeUnit = TimeUnit.SECONDS) // two waits of up to 20 s for the membership to converge
  @DisplayName("a gateway whose Hazelcast member dies leaves no members behind: the other gateways remove them")
  void deadGatewayLeavesNoMembers(VertxTestContext test) {
    as(List.of(a, c, c), List.of("ann3", "cid3", "dee3"), clients -> {
      RelayClient ann = clients.get(0);
      return ann.succeeds("create_group", group("dying").put("type", "public"))
        .compose(v -> clients.get(1).succeeds("join_group", group("dying")))
        .compose(v -> clients.get(2).succeeds("create_group", group("dying-too").put("type", "public")))
        .compose(v -> blocking(() -> {
          ClusterSupport.hazelcast(gatewayC).getLifecycleService().terminate();
          return null;
        }))
        .compose(v -> converges(() -> members(ann, "dying"), Set.of("ann3")))
        .compose(v -> converges(() -> code(ann, "dying-too"), "NOT_FOUND"))
        .compose(v -> ann.succeeds("send", group("dying").put("message", "x")))
        .map(sent -> assertThat(sent.getInteger("recipients_count")).isEqualTo(1));
    }).onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("over HTTP: no create or join, but info and send as the caller; argument and function errors")
  void httpAndArguments(VertxTestContext test) {
    Http http = new Http(client, b.port());
    as(List.of(a), List.of("ann4"), clients -> {
      RelayClient ann = clients.get(0);
      return ann.succeeds("create_group", group("web").put("type", "public"))
        .compose(v -> http.exchange(HttpMethod.POST, "/api/call", token("ann4"),
          WsClient.call("h1", "relay", "join_group", group("web")).encode()))
        .map(join -> assertThat(join.json().getString("code")).isEqualTo("FAILED_PRECONDITION"))
        .compose(v -> http.exchange(HttpMethod.POST, "/api/call", token("ann4"),
          WsClient.call("h2", "relay", "send", group("web").put("message", "from http")).encode()))
        .map(sent -> {
          assertThat(sent.status()).isEqualTo(200);
          return assertThat(sent.json().getJsonObject("result").getInteger("recipients_count")).isEqualTo(1);
        })
        .compose(v -> ann.received(1))
        .map(messages -> assertThat(messages.get(0).getString("request_id")).isEqualTo("h2"))
        .compose(v -> argumentErrors(ann));
    }).eventually(http::shutdown).onComplete(test.succeedingThenComplete());
  }

  private static Future<Void> argumentErrors(RelayClient ann) {
    return ann.refused("create_group", group("t").put("type", "secret"), "INVALID_ARGUMENT",
        "invalid argument value for \"type\", expected one of public, private, strict_private")
      .compose(v -> ann.refused("join_group", new JsonObject().put("group_id", 5), "INVALID_ARGUMENT",
        "invalid argument type for \"group_id\", expected string, got num"))
      .compose(v -> ann.refused("send", group("web"), "INVALID_ARGUMENT",
        "missing or nil argument \"message\" in \"send\""))
      .compose(v -> ann.refused("leave_group", group("web").put("x", 1), "INVALID_ARGUMENT",
        "extra arguments for \"leave_group\", extra: [\"x\"]"))
      .compose(v -> ann.refused("join_group", group(""), "INVALID_ARGUMENT",
        "invalid argument value for \"group_id\", expected a non-empty string"))
      .compose(v -> ann.refused("kick", group("web"), "NOT_FOUND", "unsupported function: kick version 0.0.0"));
  }

  @Test
  @DisplayName("a connection is a member of at most 100 groups; leaving one makes room")
  void groupsPerConnection(VertxTestContext test) {
    as(List.of(a), List.of("ann5"), clients -> {
      RelayClient ann = clients.get(0);
      return inTurn(Relay.MAX_GROUPS_PER_CONNECTION, i -> ann.succeeds("create_group",
          group("many-" + i).put("type", "public")))
        .compose(v -> ann.refused("create_group", group("one-more").put("type", "public"), "FAILED_PRECONDITION",
          "A connection is a member of at most 100 groups"))
        .compose(v -> ann.succeeds("leave_group", group("many-0")))
        .compose(v -> ann.succeeds("create_group", group("one-more").put("type", "public")));
    }).onComplete(test.succeedingThenComplete());
  }

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS) // 121 connections opened in turn, up to 20 s for the closes
  @DisplayName("a burst of joins on two gateways at once: every joiner is a member, a second join of one user is "
    + "refused alone; a burst of closes: all leave")
  void burstsOfJoinsAndCloses(VertxTestContext test) {
    int perGateway = 60;
    List<WsClient> joiners = new ArrayList<>();
    List<WsClient> all = new ArrayList<>();
    as(List.of(a), List.of("ann6"), clients -> {
      RelayClient ann = clients.get(0);
      return ann.succeeds("create_group", group("burst").put("type", "public"))
        .compose(v -> inTurn(2 * perGateway, i -> WsClient.open(client, (i % 2 == 0 ? a : b).port(),
          token("joiner" + i)).map(joiners::add)))
        .compose(v -> WsClient.open(client, a.port(), token("joiner0")))
        .compose(twin -> {
          all.addAll(joiners);
          all.add(twin);
          return joinedInABurst(joiners, twin)
            .compose(members -> sendToAllThenClose(ann, members, 2 * perGateway + 1));
        });
    }).eventually(() -> Future.join(all.stream().map(WsClient::shutdown).toList()))
      .onComplete(test.succeedingThenComplete());
  }

  /**
   * Every joiner asks to join at once, then joiner0's twin connection: one of the two joiner0 connections is
   * refused, and closed.
   *
   * @return the connections that joined
   */
  private static Future<List<WsClient>> joinedInABurst(List<WsClient> joiners, WsClient twin) {
    JsonObject join = WsClient.call("j", "relay", "join_group", group("burst"));
    return Future.all(joiners.stream().map(ws -> ws.write(join)).toList())
      .compose(v -> twin.write(join))
      .compose(v -> twin.frame())
      .compose(twinJoin -> joiners.get(0).frame().compose(firstJoin -> {
        assertThat(List.of(outcome(twinJoin), outcome(firstJoin)))
          .containsExactlyInAnyOrder("joined", "Already a member of this group");
        return inTurn(joiners.size() - 1, i -> joiners.get(i + 1).frame()
          .map(answer -> assertThat(answer.getJsonObject("result")).isEqualTo(new JsonObject()
            .put("status", "active"))))
          .compose(v -> (twinJoin.getBoolean("success") ? joiners.get(0) : twin).shutdown())
          .map(v -> {
            List<WsClient> members = new ArrayList<>(joiners.subList(1, joiners.size()));
            members.add(twinJoin.getBoolean("success") ? twin : joiners.get(0));
            return members;
          });
      }));
  }

  private static Future<Void> sendToAllThenClose(RelayClient ann, List<WsClient> members, int count) {
    return ann.succeeds("group_info", group("burst"))
      .map(info -> assertThat(info.getJsonObject("members").size()).isEqualTo(count))
      .compose(v -> ann.succeeds("send", group("burst").put("message", "all")))
      .map(sent -> assertThat(sent.getInteger("recipients_count")).isEqualTo(count))
      .compose(v -> inTurn(members.size(), i -> members.get(i).frame()
        .map(push -> assertThat(push.getJsonObject("result").getString("message")).isEqualTo("all"))))
      .compose(v -> Future.join(members.stream().map(WsClient::shutdown).toList()))
      .compose(v -> converges(() -> members(ann, "burst"), Set.of("ann6")));
  }

  @Test
  @Timeout(value = 45, timeUnit = TimeUnit.SECONDS) // a fourth member joins, then up to 20 s for the sweep
  @DisplayName("a gateway that starts removes the members of gateways that left while none was there to see it")
  void startingGatewaySweepsStaleMembers(VertxTestContext test) {
    String live = ClusterSupport.nodeId(gatewayA) + "/999999";
    JsonObject member = new JsonObject().put("roles", new JsonArray().add("member")).put("status", "active")
      .put("joined_at", "2026-12-02T17:00:00Z");
    JsonObject stale = new JsonObject().put("type", "public").put("members", new JsonObject()
      .put("ghost", member.copy().put("connection", "a-gateway-long-gone/7"))
      .put("kept", member.copy().put("connection", live)));
    Vertx[] gatewayD = new Vertx[1];
    Future.fromCompletionStage(ClusterSupport.hazelcast(gatewayA).<String, String>getMap(Addresses.RELAY_GROUPS_MAP)
        .putAsync("stale", stale.encode()), client.getOrCreateContext())
      .compose(v -> TestCluster.join(cluster))
      .compose(joined -> {
        gatewayD[0] = joined;
        return as(List.of(a), List.of("ann7"), clients -> Gateway.start(gatewayD[0], RelayClusterTest.options())
          .compose(started -> converges(() -> members(clients.get(0), "stale"), Set.of("kept"))));
      })
      .eventually(() -> TestCluster.leave(gatewayD[0]))
      .onComplete(test.succeedingThenComplete());
  }

  private static String outcome(JsonObject answer) {
    return answer.getBoolean("success") ? "joined" : answer.getString("error");
  }

  private static Future<Set<String>> members(RelayClient ann, String groupId) {
    return ann.succeeds("group_info", group(groupId)).map(info -> info.getJsonObject("members").fieldNames());
  }

  private static Future<String> code(RelayClient ann, String groupId) {
    return ann.exchange("group_info", group(groupId)).map(answer -> answer.getString("code"));
  }

  /** Observes every 100 ms until the value is the expected one, for up to 20 s; then checks the last value seen. */
  private static <T> Future<Void> converges(Supplier<Future<T>> value, T expected) {
    Promise<T> last = Promise.promise();
    observe(value, expected, System.currentTimeMillis() + 20_000, last);
    return last.future().map(seen -> {
      assertThat(seen).isEqualTo(expected);
      return null;
    });
  }

  private static <T> void observe(Supplier<Future<T>> value, T expected, long end, Promise<T> last) {
    value.get().onComplete(seen -> {
      if (seen.failed()) {
        last.fail(seen.cause());
      } else if (expected.equals(seen.result()) || System.currentTimeMillis() >= end) {
        last.complete(seen.result());
      } else {
        client.setTimer(100, t -> observe(value, expected, end, last));
      }
    });
  }

  /** Opens a relay client per user, in turn, each on its gateway; runs the steps with them; closes them all. */
  private static Future<Void> as(List<Gateway> on, List<String> users, Function<List<RelayClient>, Future<?>> steps) {
    List<RelayClient> open = new ArrayList<>();
    return inTurn(users.size(), i -> on(on.get(i), users.get(i)).map(open::add))
      .compose(v -> steps.apply(open)).<Void>mapEmpty()
      .eventually(() -> Future.join(open.stream().map(RelayClient::shutdown).toList()));
  }

  /** Runs the Node client's blocking steps (a process and its output) and Hazelcast's terminate on a worker. */
  private static <T> Future<T> blocking(Callable<T> step) {
    return client.executeBlocking(step, false);
  }

  private static <T> Future<Void> eachInTurn(List<T> items, Function<T, Future<?>> step) {
    return inTurn(items.size(), i -> step.apply(items.get(i)));
  }

  /** Runs step 0, then step 1 once it is done, …, up to step times - 1. */
  private static Future<Void> inTurn(int times, IntFunction<Future<?>> step) {
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < times; i++) {
      int index = i;
      chain = chain.compose(v -> step.apply(index)).mapEmpty();
    }
    return chain;
  }
}
