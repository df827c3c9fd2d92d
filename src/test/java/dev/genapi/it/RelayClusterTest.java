package dev.genapi.it;

import dev.genapi.cluster.ClusterOptions;
import dev.genapi.gateway.AuthOptions;
import dev.genapi.gateway.Gateway;
import dev.genapi.gateway.GatewayOptions;
import dev.genapi.testing.Jwts;
import dev.genapi.testing.TestCluster;
import dev.genapi.testing.WsClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.IntFunction;

import static dev.genapi.it.RelayClient.group;
import static dev.genapi.it.RelayClient.target;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The relay service's rules (reference §13, the error texts of §3.5) through native WebSocket clients with JWT
 * identities, the members of each group spread over two gateways in clustered Vert.x instances of their own.
 */
@DisplayName("Relay groups: the original's rules across two gateways")
@ExtendWith(VertxExtension.class)
class RelayClusterTest {

  private static final String NOT_MEMBER = "Not a member of this group";
  private static final String NOT_ADMIN = "Not an admin of this group";

  private static Vertx gatewayA;
  private static Vertx gatewayB;
  private static Vertx client;
  private static Gateway a;
  private static Gateway b;

  @BeforeAll
  static void start(VertxTestContext test) {
    ClusterOptions cluster = TestCluster.newCluster();
    client = Vertx.vertx();
    TestCluster.join(cluster).compose(first -> {
      gatewayA = first;
      return TestCluster.join(cluster);
    }).compose(second -> {
      gatewayB = second;
      return Gateway.start(gatewayA, options());
    }).compose(started -> {
      a = started;
      return Gateway.start(gatewayB, options());
    }).onComplete(test.succeeding(started -> {
      b = started;
      test.completeNow();
    }));
  }

  @AfterAll
  static void stop(VertxTestContext test) {
    TestCluster.leave(client, gatewayB, gatewayA).onComplete(test.succeedingThenComplete());
  }

  static GatewayOptions options() {
    return new GatewayOptions().setPort(TestCluster.freePort())
      .setAuth(new AuthOptions().setMode(AuthOptions.MODE_JWT).setJwtSecret(Jwts.SECRET));
  }

  static String token(String user) {
    return Jwts.token(client, Jwts.SECRET, user, new JsonArray(), 600);
  }

  @Test
  @DisplayName("create, duplicate create, group_info, delete by a non-admin and by the admin")
  void lifecycle(VertxTestContext test) {
    as(List.of(a, b), List.of("ann", "ben"), c -> {
      RelayClient ann = c.get(0);
      RelayClient ben = c.get(1);
      return ann.succeeds("create_group", group("g1").put("type", "public"))
        .map(created -> assertThat(created).isEqualTo(new JsonObject().put("group_id", "g1").put("type", "public")))
        .compose(v -> ben.refused("create_group", group("g1").put("type", "private"), "ALREADY_EXISTS",
          "Group already exists"))
        .compose(v -> ben.succeeds("join_group", group("g1")))
        .map(joined -> assertThat(joined).isEqualTo(new JsonObject().put("status", "active")))
        .compose(v -> ben.succeeds("group_info", group("g1")))
        .map(info -> assertThat(info).isEqualTo(new JsonObject("{\"group_id\":\"g1\","
          + "\"group_type\":\"public\",\"members\":{\"ann\":{\"roles\":[\"admin\"],\"status\":\"active\"},"
          + "\"ben\":{\"roles\":[\"member\"],\"status\":\"active\"}}}")))
        .compose(v -> ben.refused("delete_group", group("g1"), "PERMISSION_DENIED", NOT_ADMIN))
        .compose(v -> ann.succeeds("delete_group", group("g1")))
        .map(deleted -> assertThat(deleted).isEqualTo(new JsonObject().put("deleted", true)))
        .compose(v -> ben.refused("group_info", group("g1"), "NOT_FOUND", "Group not found"))
        .compose(v -> ben.refused("delete_group", group("g1"), "NOT_FOUND", "Group not found"));
    }).onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("join: public is active, private and strict_private pending, twice is already a member; leave")
  void joinAndLeave(VertxTestContext test) {
    List<String> types = List.of("public", "private", "strict_private");
    as(List.of(a, b), List.of("ann2", "ben2"), c -> {
      RelayClient ann = c.get(0);
      RelayClient ben = c.get(1);
      return ben.refused("join_group", group("nowhere"), "NOT_FOUND", "Group not found")
        .compose(v -> inTurn(types.size(), t -> {
          String type = types.get(t);
          String status = "public".equals(type) ? "active" : "pending";
          return ann.succeeds("create_group", group("j-" + type).put("type", type))
            .compose(created -> ben.succeeds("join_group", group("j-" + type)))
            .map(joined -> assertThat(joined.getString("status")).isEqualTo(status))
            .compose(checked -> ben.refused("join_group", group("j-" + type), "ALREADY_EXISTS",
              "Already a member of this group"));
        }))
        .compose(v -> ben.succeeds("leave_group", group("j-private")))
        .map(left -> assertThat(left).isEqualTo(new JsonObject().put("left", true)))
        .compose(v -> ben.refused("leave_group", group("j-private"), "PERMISSION_DENIED", NOT_MEMBER))
        .compose(v -> ann.succeeds("group_info", group("j-private")))
        .map(info -> assertThat(info.getJsonObject("members").fieldNames()).containsExactly("ann2"));
    }).onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("accept: by an active member in private, by an admin only in strict_private; target rules")
  void accept(VertxTestContext test) {
    as(List.of(a, b, a, b), List.of("ann3", "ben3", "cid3", "dan3"), c -> acceptInPrivate(c.get(0), c.get(1),
      c.get(2), c.get(3)).compose(v -> acceptInStrictPrivate(c.get(0), c.get(1), c.get(2))))
      .onComplete(test.succeedingThenComplete());
  }

  private static Future<Void> acceptInPrivate(RelayClient ann, RelayClient ben, RelayClient cid, RelayClient dan) {
    return ann.succeeds("create_group", group("acc").put("type", "private"))
      .compose(v -> ben.succeeds("join_group", group("acc")))
      .compose(v -> cid.succeeds("join_group", group("acc")))
      .compose(v -> dan.refused("accept_member", target("acc", "ben3"), "PERMISSION_DENIED", NOT_MEMBER))
      .compose(v -> cid.refused("accept_member", target("acc", "ben3"), "PERMISSION_DENIED", NOT_ADMIN))
      .compose(v -> ann.succeeds("accept_member", target("acc", "ben3")))
      .map(accepted -> assertThat(accepted).isEqualTo(new JsonObject().put("status", "active")))
      .compose(v -> ben.succeeds("accept_member", target("acc", "cid3")))
      .map(accepted -> assertThat(accepted.getString("status")).isEqualTo("active"))
      .compose(v -> ann.refused("accept_member", target("acc", "ben3"), "FAILED_PRECONDITION", "User is not pending"))
      .compose(v -> ann.refused("accept_member", target("acc", "dan3"), "FAILED_PRECONDITION",
        "User is not a member of this group"));
  }

  private static Future<Void> acceptInStrictPrivate(RelayClient ann, RelayClient ben, RelayClient cid) {
    return ann.succeeds("create_group", group("acc-s").put("type", "strict_private"))
      .compose(v -> ben.succeeds("join_group", group("acc-s")))
      .compose(v -> cid.succeeds("join_group", group("acc-s")))
      .compose(v -> ann.succeeds("accept_member", target("acc-s", "ben3")))
      .compose(v -> ben.refused("accept_member", target("acc-s", "cid3"), "PERMISSION_DENIED", NOT_ADMIN))
      .compose(v -> ann.succeeds("accept_member", target("acc-s", "cid3")))
      .map(accepted -> {
        assertThat(accepted.getString("status")).isEqualTo("active");
        return null;
      });
  }

  @Test
  @DisplayName("mute and unmute: strict_private only, by an active admin, of an active or a muted member")
  void muteAndUnmute(VertxTestContext test) {
    as(List.of(a, b, a), List.of("ann4", "ben4", "cid4"), c -> muteRules(c.get(0), c.get(1), c.get(2))
      .compose(v -> mutedSend(c.get(0), c.get(1), c.get(2))))
      .onComplete(test.succeedingThenComplete());
  }

  private static Future<Void> muteRules(RelayClient ann, RelayClient ben, RelayClient cid) {
    return ann.succeeds("create_group", group("pub4").put("type", "public"))
      .compose(v -> ben.succeeds("join_group", group("pub4")))
      .compose(v -> ann.refused("mute_member", target("pub4", "ben4"), "FAILED_PRECONDITION",
        "Group is not strict_private"))
      .compose(v -> ann.succeeds("create_group", group("m4").put("type", "strict_private")))
      .compose(v -> ben.succeeds("join_group", group("m4")))
      .compose(v -> cid.succeeds("join_group", group("m4")))
      .compose(v -> ann.refused("mute_member", target("m4", "ben4"), "FAILED_PRECONDITION",
        "User is not active and cannot be muted"))
      .compose(v -> ann.succeeds("accept_member", target("m4", "ben4")))
      .compose(v -> ben.refused("mute_member", target("m4", "ann4"), "PERMISSION_DENIED", NOT_ADMIN))
      .compose(v -> ann.refused("unmute_member", target("m4", "ben4"), "FAILED_PRECONDITION", "User is not muted"))
      .compose(v -> ann.succeeds("mute_member", target("m4", "ben4")))
      .map(muted -> {
        assertThat(muted).isEqualTo(new JsonObject().put("status", "muted"));
        return null;
      });
  }

  private static Future<Void> mutedSend(RelayClient ann, RelayClient ben, RelayClient cid) {
    return ben.refused("send", group("m4").put("message", "hi"), "PERMISSION_DENIED",
        "You are muted and cannot send messages")
      .compose(v -> cid.refused("send", group("m4").put("message", "hi"), "PERMISSION_DENIED",
        "Pending membership: wait for acceptance"))
      .compose(v -> ann.succeeds("send", group("m4").put("message", "to all")))
      .map(sent -> assertThat(sent).isEqualTo(new JsonObject().put("status", "relayed").put("recipients_count", 2)))
      .compose(v -> ben.received(1))
      .map(messages -> assertThat(messages.get(0).getJsonObject("result").getString("message"))
        .as("a muted member receives").isEqualTo("to all"))
      .compose(v -> cid.quiet(500))
      .map(messages -> {
        assertThat(messages).as("a pending member receives nothing").isEmpty();
        return null;
      })
      .compose(v -> ann.succeeds("unmute_member", target("m4", "ben4")))
      .map(unmuted -> assertThat(unmuted.getString("status")).isEqualTo("active"))
      .compose(v -> ben.succeeds("send", group("m4").put("message", 2)))
      .map(sent -> {
        assertThat(sent.getInteger("recipients_count")).isEqualTo(2);
        return null;
      });
  }

  @Test
  @DisplayName("send: the push frame, recipients on both gateways, the sender included; a non-member is refused")
  void send(VertxTestContext test) {
    JsonObject message = new JsonObject().put("text", "hello").put("n", 1);
    as(List.of(a, b, b), List.of("ann5", "ben5", "eve5"), c -> {
      RelayClient ann = c.get(0);
      RelayClient ben = c.get(1);
      RelayClient eve = c.get(2);
      return ann.succeeds("create_group", group("s5").put("type", "public"))
        .compose(v -> ben.succeeds("join_group", group("s5")))
        .compose(v -> eve.refused("send", group("s5").put("message", "x"), "PERMISSION_DENIED", NOT_MEMBER))
        .compose(v -> ben.exchange("send", group("s5").put("message", message)))
        .compose(sent -> {
          assertThat(sent.getJsonObject("result")).isEqualTo(new JsonObject().put("status", "relayed")
            .put("recipients_count", 2));
          return inTurn(2, i -> List.of(ann, ben).get(i).received(1)
            .map(pushes -> groupPush(pushes.get(0), sent.getString("request_id"), message)));
        })
        .compose(v -> eve.quiet(300))
        .map(messages -> {
          assertThat(messages).isEmpty();
          return null;
        });
    }).onComplete(test.succeedingThenComplete());
  }

  /** The push of ben5's message to group s5, as each member receives it. */
  private static Void groupPush(JsonObject push, String requestId, JsonObject message) {
    assertThat(push.getString("request_id")).isEqualTo(requestId);
    assertThat(push.getString("push")).isEqualTo("group:s5");
    assertThat(push.getBoolean("success")).isTrue();
    assertThat(push.getBoolean("async")).isFalse();
    JsonObject result = push.getJsonObject("result");
    assertThat(result.fieldNames()).containsExactlyInAnyOrder("group_id", "from_user_id", "message", "timestamp");
    assertThat(result.getString("group_id")).isEqualTo("s5");
    assertThat(result.getString("from_user_id")).isEqualTo("ben5");
    assertThat(result.getJsonObject("message")).isEqualTo(message);
    assertThat(Instant.parse(result.getString("timestamp"))).isBeforeOrEqualTo(Instant.now());
    return null;
  }

  @Test
  @DisplayName("joins to one group sent at once through both gateways are all kept (compare-and-set, no lost update)")
  void concurrentJoins(VertxTestContext test) {
    List<WsClient> clients = new ArrayList<>();
    as(List.of(a), List.of("owner6"), c -> c.get(0).succeeds("create_group", group("busy").put("type", "public"))
      .compose(v -> inTurn(16, i -> WsClient.open(client, (i % 2 == 0 ? a : b).port(), token("u6-" + i))
        .map(clients::add)))
      .compose(v -> Future.all(clients.stream()
        .map(ws -> ws.write(WsClient.call("j", "relay", "join_group", group("busy")))).toList()))
      .compose(v -> inTurn(clients.size(), i -> clients.get(i).frame()
        .map(answer -> assertThat(answer.getJsonObject("result").getString("status")).isEqualTo("active"))))
      .compose(v -> c.get(0).succeeds("group_info", group("busy")))
      .map(info -> assertThat(info.getJsonObject("members").size()).isEqualTo(17))
      .eventually(() -> Future.join(clients.stream().map(WsClient::shutdown).toList())))
      .onComplete(test.succeedingThenComplete());
  }

  /**
   * Opens a relay client per user, in turn, each on its gateway; runs the steps with them; closes them all.
   */
  private static Future<Void> as(List<Gateway> on, List<String> users, Function<List<RelayClient>, Future<?>> steps) {
    List<RelayClient> open = new ArrayList<>();
    return inTurn(users.size(), i -> RelayClient.open(client, on.get(i).port(), token(users.get(i))).map(open::add))
      .compose(v -> steps.apply(open)).<Void>mapEmpty()
      .eventually(() -> Future.join(open.stream().map(RelayClient::shutdown).toList()));
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
