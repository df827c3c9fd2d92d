package dev.genapi.it;

import dev.genapi.cluster.ClusterOptions;
import dev.genapi.gateway.AuthOptions;
import dev.genapi.gateway.Gateway;
import dev.genapi.gateway.GatewayOptions;
import dev.genapi.testing.Jwts;
import dev.genapi.testing.TestCluster;
import dev.genapi.testing.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static dev.genapi.it.RelayClient.group;
import static dev.genapi.it.RelayClient.target;
import static dev.genapi.testing.TestCluster.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The relay service's rules (reference §13, the error texts of §3.5) through native WebSocket clients with JWT
 * identities, the members of each group spread over two gateways in clustered Vert.x instances of their own.
 */
@DisplayName("Relay groups: the original's rules across two gateways")
class RelayClusterTest {

  private static final String NOT_MEMBER = "Not a member of this group";
  private static final String NOT_ADMIN = "Not an admin of this group";

  private static Vertx gatewayA;
  private static Vertx gatewayB;
  private static Vertx client;
  private static Gateway a;
  private static Gateway b;

  @BeforeAll
  static void start() {
    ClusterOptions cluster = TestCluster.newCluster();
    gatewayA = TestCluster.member(cluster);
    gatewayB = TestCluster.member(cluster);
    client = Vertx.vertx();
    a = await(Gateway.start(gatewayA, options()));
    b = await(Gateway.start(gatewayB, options()));
  }

  @AfterAll
  static void stop() {
    TestCluster.close(client, gatewayB, gatewayA);
  }

  static GatewayOptions options() {
    return new GatewayOptions().setPort(TestCluster.freePort())
      .setAuth(new AuthOptions().setMode(AuthOptions.MODE_JWT).setJwtSecret(Jwts.SECRET));
  }

  static String token(String user) {
    return Jwts.token(client, Jwts.SECRET, user, new JsonArray(), 600);
  }

  private static RelayClient on(Gateway gateway, String user) {
    return new RelayClient(client, gateway.port(), token(user));
  }

  @Test
  @DisplayName("create, duplicate create, group_info, delete by a non-admin and by the admin")
  void lifecycle() {
    try (RelayClient ann = on(a, "ann"); RelayClient ben = on(b, "ben")) {
      assertThat(ann.ok("create_group", group("g1").put("type", "public")))
        .isEqualTo(new JsonObject().put("group_id", "g1").put("type", "public"));
      ben.fails("create_group", group("g1").put("type", "private"), "ALREADY_EXISTS", "Group already exists");
      assertThat(ben.ok("join_group", group("g1"))).isEqualTo(new JsonObject().put("status", "active"));
      assertThat(ben.ok("group_info", group("g1"))).isEqualTo(new JsonObject("{\"group_id\":\"g1\","
        + "\"group_type\":\"public\",\"members\":{\"ann\":{\"roles\":[\"admin\"],\"status\":\"active\"},"
        + "\"ben\":{\"roles\":[\"member\"],\"status\":\"active\"}}}"));
      ben.fails("delete_group", group("g1"), "PERMISSION_DENIED", NOT_ADMIN);
      assertThat(ann.ok("delete_group", group("g1"))).isEqualTo(new JsonObject().put("deleted", true));
      ben.fails("group_info", group("g1"), "NOT_FOUND", "Group not found");
      ben.fails("delete_group", group("g1"), "NOT_FOUND", "Group not found");
    }
  }

  @Test
  @DisplayName("join: public is active, private and strict_private pending, twice is already a member; leave")
  void joinAndLeave() {
    try (RelayClient ann = on(a, "ann2"); RelayClient ben = on(b, "ben2")) {
      ben.fails("join_group", group("nowhere"), "NOT_FOUND", "Group not found");
      for (String type : new String[] {"public", "private", "strict_private"}) {
        ann.ok("create_group", group("j-" + type).put("type", type));
        String status = "public".equals(type) ? "active" : "pending";
        assertThat(ben.ok("join_group", group("j-" + type)).getString("status")).isEqualTo(status);
        ben.fails("join_group", group("j-" + type), "ALREADY_EXISTS", "Already a member of this group");
      }
      assertThat(ben.ok("leave_group", group("j-private"))).isEqualTo(new JsonObject().put("left", true));
      ben.fails("leave_group", group("j-private"), "PERMISSION_DENIED", NOT_MEMBER);
      assertThat(ann.ok("group_info", group("j-private")).getJsonObject("members").fieldNames())
        .containsExactly("ann2");
    }
  }

  @Test
  @DisplayName("accept: by an active member in private, by an admin only in strict_private; target rules")
  void accept() {
    try (RelayClient ann = on(a, "ann3"); RelayClient ben = on(b, "ben3"); RelayClient cid = on(a, "cid3");
         RelayClient dan = on(b, "dan3")) {
      ann.ok("create_group", group("acc").put("type", "private"));
      ben.ok("join_group", group("acc"));
      cid.ok("join_group", group("acc"));
      dan.fails("accept_member", target("acc", "ben3"), "PERMISSION_DENIED", NOT_MEMBER);
      cid.fails("accept_member", target("acc", "ben3"), "PERMISSION_DENIED", NOT_ADMIN);
      assertThat(ann.ok("accept_member", target("acc", "ben3"))).isEqualTo(new JsonObject().put("status", "active"));
      assertThat(ben.ok("accept_member", target("acc", "cid3")).getString("status")).isEqualTo("active");
      ann.fails("accept_member", target("acc", "ben3"), "FAILED_PRECONDITION", "User is not pending");
      ann.fails("accept_member", target("acc", "dan3"), "FAILED_PRECONDITION", "User is not a member of this group");
      ann.ok("create_group", group("acc-s").put("type", "strict_private"));
      ben.ok("join_group", group("acc-s"));
      cid.ok("join_group", group("acc-s"));
      ann.ok("accept_member", target("acc-s", "ben3"));
      ben.fails("accept_member", target("acc-s", "cid3"), "PERMISSION_DENIED", NOT_ADMIN);
      assertThat(ann.ok("accept_member", target("acc-s", "cid3")).getString("status")).isEqualTo("active");
    }
  }

  @Test
  @DisplayName("mute and unmute: strict_private only, by an active admin, of an active or a muted member")
  void muteAndUnmute() {
    try (RelayClient ann = on(a, "ann4"); RelayClient ben = on(b, "ben4"); RelayClient cid = on(a, "cid4")) {
      ann.ok("create_group", group("pub4").put("type", "public"));
      ben.ok("join_group", group("pub4"));
      ann.fails("mute_member", target("pub4", "ben4"), "FAILED_PRECONDITION", "Group is not strict_private");
      ann.ok("create_group", group("m4").put("type", "strict_private"));
      ben.ok("join_group", group("m4"));
      cid.ok("join_group", group("m4"));
      ann.fails("mute_member", target("m4", "ben4"), "FAILED_PRECONDITION", "User is not active and cannot be muted");
      ann.ok("accept_member", target("m4", "ben4"));
      ben.fails("mute_member", target("m4", "ann4"), "PERMISSION_DENIED", NOT_ADMIN);
      ann.fails("unmute_member", target("m4", "ben4"), "FAILED_PRECONDITION", "User is not muted");
      assertThat(ann.ok("mute_member", target("m4", "ben4"))).isEqualTo(new JsonObject().put("status", "muted"));
      ben.fails("send", group("m4").put("message", "hi"), "PERMISSION_DENIED",
        "You are muted and cannot send messages");
      cid.fails("send", group("m4").put("message", "hi"), "PERMISSION_DENIED",
        "Pending membership: wait for acceptance");
      assertThat(ann.ok("send", group("m4").put("message", "to all"))).isEqualTo(new JsonObject()
        .put("status", "relayed").put("recipients_count", 2));
      assertThat(ben.messages(1).get(0).getJsonObject("result").getString("message")).as("a muted member receives")
        .isEqualTo("to all");
      assertThat(cid.pending(500)).as("a pending member receives nothing").isEmpty();
      assertThat(ann.ok("unmute_member", target("m4", "ben4")).getString("status")).isEqualTo("active");
      assertThat(ben.ok("send", group("m4").put("message", 2)).getInteger("recipients_count")).isEqualTo(2);
    }
  }

  @Test
  @DisplayName("send: the push frame, recipients on both gateways, the sender included; a non-member is refused")
  void send() {
    try (RelayClient ann = on(a, "ann5"); RelayClient ben = on(b, "ben5"); RelayClient eve = on(b, "eve5")) {
      ann.ok("create_group", group("s5").put("type", "public"));
      ben.ok("join_group", group("s5"));
      eve.fails("send", group("s5").put("message", "x"), "PERMISSION_DENIED", NOT_MEMBER);
      JsonObject message = new JsonObject().put("text", "hello").put("n", 1);
      JsonObject sent = ben.call("send", group("s5").put("message", message));
      assertThat(sent.getJsonObject("result")).isEqualTo(new JsonObject().put("status", "relayed")
        .put("recipients_count", 2));
      for (RelayClient member : new RelayClient[] {ann, ben}) {
        JsonObject push = member.messages(1).get(0);
        assertThat(push.getString("request_id")).isEqualTo(sent.getString("request_id"));
        assertThat(push.getString("push")).isEqualTo("group:s5");
        assertThat(push.getBoolean("success")).isTrue();
        assertThat(push.getBoolean("async")).isFalse();
        JsonObject result = push.getJsonObject("result");
        assertThat(result.fieldNames()).containsExactlyInAnyOrder("group_id", "from_user_id", "message", "timestamp");
        assertThat(result.getString("group_id")).isEqualTo("s5");
        assertThat(result.getString("from_user_id")).isEqualTo("ben5");
        assertThat(result.getJsonObject("message")).isEqualTo(message);
        assertThat(Instant.parse(result.getString("timestamp"))).isBeforeOrEqualTo(Instant.now());
      }
      assertThat(eve.pending(300)).isEmpty();
    }
  }

  @Test
  @DisplayName("joins to one group sent at once through both gateways are all kept (compare-and-set, no lost update)")
  void concurrentJoins() {
    List<WsClient> clients = new ArrayList<>();
    try (RelayClient owner = on(a, "owner6")) {
      owner.ok("create_group", group("busy").put("type", "public"));
      for (int i = 0; i < 16; i++) {
        clients.add(WsClient.connect(client, (i % 2 == 0 ? a : b).port(), token("u6-" + i)));
      }
      clients.forEach(ws -> ws.send(WsClient.call("j", "relay", "join_group", group("busy"))));
      clients.forEach(ws -> assertThat(ws.next().getJsonObject("result").getString("status")).isEqualTo("active"));
      assertThat(owner.ok("group_info", group("busy")).getJsonObject("members").size()).isEqualTo(17);
    } finally {
      clients.forEach(WsClient::close);
    }
  }
}
