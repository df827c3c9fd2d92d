package dev.genapi.it;

import dev.genapi.cluster.Addresses;
import dev.genapi.cluster.ClusterOptions;
import dev.genapi.cluster.ClusterSupport;
import dev.genapi.gateway.Gateway;
import dev.genapi.relay.Relay;
import dev.genapi.testing.Jwts;
import dev.genapi.testing.Http;
import dev.genapi.testing.NodeClients;
import dev.genapi.testing.TestCluster;
import dev.genapi.testing.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import static dev.genapi.it.RelayClient.group;
import static dev.genapi.testing.TestCluster.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Relay membership follows connections, across three gateways in clustered Vert.x instances of their own: a send
 * reaches members over native WebSocket and the npm {@code phoenix} client on two gateways; a connection that closes
 * leaves its groups; a gateway whose cluster member dies takes its members with it; HTTP and argument rules.
 */
@DisplayName("Relay groups: membership follows connections and gateways")
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
  static void start() {
    cluster = TestCluster.newCluster();
    gatewayA = TestCluster.member(cluster);
    gatewayB = TestCluster.member(cluster);
    gatewayC = TestCluster.member(cluster);
    client = Vertx.vertx();
    a = await(Gateway.start(gatewayA, RelayClusterTest.options()));
    b = await(Gateway.start(gatewayB, RelayClusterTest.options()));
    c = await(Gateway.start(gatewayC, RelayClusterTest.options()));
  }

  @AfterAll
  static void stop() {
    TestCluster.close(client, gatewayC, gatewayB, gatewayA);
  }

  private static String token(String user) {
    return Jwts.token(client, Jwts.SECRET, user, new JsonArray(), 600);
  }

  private static RelayClient on(Gateway gateway, String user) {
    return new RelayClient(client, gateway.port(), token(user));
  }

  @Test
  @DisplayName("a send reaches a native WebSocket member on one gateway and a phoenix member on the other, in order")
  void nativeAndPhoenix() {
    try (RelayClient ann = on(a, "ann"); RelayClient ben = on(b, "ben")) {
      ann.ok("create_group", group("mixed").put("type", "public"));
      NodeClients.Background phoenix = NodeClients.start("phoenix-push.js",
        "ws://127.0.0.1:" + b.port() + "/socket", token("pat"), "2", "mixed");
      phoenix.awaitLine("member", 15_000);
      ben.ok("join_group", group("mixed"));
      for (String text : List.of("first", "second")) {
        assertThat(ann.ok("send", group("mixed").put("message", text)).getInteger("recipients_count")).isEqualTo(3);
      }
      JsonObject seen = phoenix.result(15_000);
      assertThat(seen.getJsonObject("join")).isEqualTo(new JsonObject().put("status", "active"));
      JsonArray pushes = seen.getJsonArray("pushes");
      assertThat(pushes.stream().map(p -> ((JsonObject) p).getJsonObject("result").getString("message")))
        .containsExactly("first", "second");
      assertThat(pushes.getJsonObject(0).getString("push")).isEqualTo("group:mixed");
      assertThat(ben.messages(2)).extracting(p -> p.getJsonObject("result").getString("message"))
        .containsExactly("first", "second");
      assertThat(ann.messages(2)).extracting(p -> p.getJsonObject("result").getString("from_user_id"))
        .containsExactly("ann", "ann");
    }
  }

  @Test
  @DisplayName("a member whose connection closes is gone from group_info; a group left empty is gone")
  void closedConnectionLeaves() {
    try (RelayClient ann = on(a, "ann2")) {
      ann.ok("create_group", group("closing").put("type", "public"));
      RelayClient ben = on(b, "ben2");
      ben.ok("join_group", group("closing"));
      ben.close();
      eventually(() -> ann.ok("group_info", group("closing")).getJsonObject("members").fieldNames(),
        Set.of("ann2"));
      RelayClient solo = on(b, "solo2");
      solo.ok("create_group", group("alone").put("type", "private"));
      solo.close();
      eventually(() -> ann.call("group_info", group("alone")).getString("code"), "NOT_FOUND");
    }
  }

  @Test
  @DisplayName("a gateway whose Hazelcast member dies leaves no members behind: the other gateways remove them")
  void deadGatewayLeavesNoMembers() {
    try (RelayClient ann = on(a, "ann3"); RelayClient cid = on(c, "cid3"); RelayClient dee = on(c, "dee3")) {
      ann.ok("create_group", group("dying").put("type", "public"));
      cid.ok("join_group", group("dying"));
      dee.ok("create_group", group("dying-too").put("type", "public"));
      ClusterSupport.hazelcast(gatewayC).getLifecycleService().terminate();
      eventually(() -> ann.ok("group_info", group("dying")).getJsonObject("members").fieldNames(), Set.of("ann3"));
      eventually(() -> ann.call("group_info", group("dying-too")).getString("code"), "NOT_FOUND");
      assertThat(ann.ok("send", group("dying").put("message", "x")).getInteger("recipients_count")).isEqualTo(1);
    }
  }

  @Test
  @DisplayName("over HTTP: no create or join, but info and send as the caller; argument and function errors")
  void httpAndArguments() {
    try (RelayClient ann = on(a, "ann4"); Http http = new Http(client, b.port())) {
      ann.ok("create_group", group("web").put("type", "public"));
      JsonObject join = http.send(HttpMethod.POST, "/api/call", token("ann4"),
        WsClient.call("h1", "relay", "join_group", group("web")).encode()).json();
      assertThat(join.getString("code")).isEqualTo("FAILED_PRECONDITION");
      Http.Reply sent = http.send(HttpMethod.POST, "/api/call", token("ann4"),
        WsClient.call("h2", "relay", "send", group("web").put("message", "from http")).encode());
      assertThat(sent.status()).isEqualTo(200);
      assertThat(sent.json().getJsonObject("result").getInteger("recipients_count")).isEqualTo(1);
      assertThat(ann.messages(1).get(0).getString("request_id")).isEqualTo("h2");
      ann.fails("create_group", group("t").put("type", "secret"), "INVALID_ARGUMENT",
        "invalid argument value for \"type\", expected one of public, private, strict_private");
      ann.fails("join_group", new JsonObject().put("group_id", 5), "INVALID_ARGUMENT",
        "invalid argument type for \"group_id\", expected string, got num");
      ann.fails("send", group("web"), "INVALID_ARGUMENT", "missing or nil argument \"message\" in \"send\"");
      ann.fails("leave_group", group("web").put("x", 1), "INVALID_ARGUMENT",
        "extra arguments for \"leave_group\", extra: [\"x\"]");
      ann.fails("join_group", group(""), "INVALID_ARGUMENT",
        "invalid argument value for \"group_id\", expected a non-empty string");
      ann.fails("kick", group("web"), "NOT_FOUND", "unsupported function: kick version 0.0.0");
    }
  }

  @Test
  @DisplayName("a connection is a member of at most 100 groups; leaving one makes room")
  void groupsPerConnection() {
    try (RelayClient ann = on(a, "ann5")) {
      for (int i = 0; i < Relay.MAX_GROUPS_PER_CONNECTION; i++) {
        ann.ok("create_group", group("many-" + i).put("type", "public"));
      }
      ann.fails("create_group", group("one-more").put("type", "public"), "FAILED_PRECONDITION",
        "A connection is a member of at most 100 groups");
      ann.ok("leave_group", group("many-0"));
      ann.ok("create_group", group("one-more").put("type", "public"));
    }
  }

  @Test
  @DisplayName("a burst of joins on two gateways at once: every joiner is a member, a second join of one user is "
    + "refused alone; a burst of closes: all leave")
  void burstsOfJoinsAndCloses() {
    int perGateway = 60;
    try (RelayClient ann = on(a, "ann6")) {
      ann.ok("create_group", group("burst").put("type", "public"));
      List<WsClient> joiners = new ArrayList<>();
      for (int i = 0; i < 2 * perGateway; i++) {
        joiners.add(WsClient.connect(client, (i % 2 == 0 ? a : b).port(), token("joiner" + i)));
      }
      WsClient twin = WsClient.connect(client, a.port(), token("joiner0"));
      joiners.forEach(ws -> ws.send(WsClient.call("j", "relay", "join_group", group("burst"))));
      twin.send(WsClient.call("j", "relay", "join_group", group("burst")));
      JsonObject twinJoin = twin.next();
      JsonObject firstJoin = joiners.get(0).next();
      assertThat(List.of(outcome(twinJoin), outcome(firstJoin)))
        .containsExactlyInAnyOrder("joined", "Already a member of this group");
      for (WsClient ws : joiners.subList(1, joiners.size())) {
        assertThat(ws.next().getJsonObject("result")).isEqualTo(new JsonObject().put("status", "active"));
      }
      (twinJoin.getBoolean("success") ? joiners.get(0) : twin).close();
      assertThat(ann.ok("group_info", group("burst")).getJsonObject("members").size()).isEqualTo(2 * perGateway + 1);
      assertThat(ann.ok("send", group("burst").put("message", "all")).getInteger("recipients_count"))
        .isEqualTo(2 * perGateway + 1);
      List<WsClient> members = new ArrayList<>(joiners.subList(1, joiners.size()));
      members.add(twinJoin.getBoolean("success") ? twin : joiners.get(0));
      for (WsClient ws : members) {
        assertThat(ws.next().getJsonObject("result").getString("message")).isEqualTo("all");
      }
      members.forEach(WsClient::close);
      eventually(() -> ann.ok("group_info", group("burst")).getJsonObject("members").fieldNames(), Set.of("ann6"));
    }
  }

  @Test
  @DisplayName("a gateway that starts removes the members of gateways that left while none was there to see it")
  void startingGatewaySweepsStaleMembers() {
    String live = ClusterSupport.nodeId(gatewayA) + "/999999";
    JsonObject member = new JsonObject().put("roles", new JsonArray().add("member")).put("status", "active")
      .put("joined_at", "2026-12-02T17:00:00Z");
    JsonObject stale = new JsonObject().put("type", "public").put("members", new JsonObject()
      .put("ghost", member.copy().put("connection", "a-gateway-long-gone/7"))
      .put("kept", member.copy().put("connection", live)));
    ClusterSupport.hazelcast(gatewayA).<String, String>getMap(Addresses.RELAY_GROUPS_MAP).put("stale", stale.encode());
    Vertx gatewayD = TestCluster.member(cluster);
    try (RelayClient ann = on(a, "ann7")) {
      await(Gateway.start(gatewayD, RelayClusterTest.options()));
      eventually(() -> ann.ok("group_info", group("stale")).getJsonObject("members").fieldNames(), Set.of("kept"));
    } finally {
      TestCluster.close(gatewayD);
    }
  }

  private static String outcome(JsonObject answer) {
    return answer.getBoolean("success") ? "joined" : answer.getString("error");
  }

  private static <T> void eventually(Supplier<T> value, T expected) {
    long end = System.currentTimeMillis() + 20_000;
    T last = value.get();
    while (!expected.equals(last) && System.currentTimeMillis() < end) {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      last = value.get();
    }
    assertThat(last).isEqualTo(expected);
  }
}
