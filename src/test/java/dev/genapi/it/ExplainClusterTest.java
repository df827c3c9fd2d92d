package dev.genapi.it;

import dev.genapi.cluster.ClusterOptions;
import dev.genapi.demo.DemoService;
import dev.genapi.gateway.Gateway;
import dev.genapi.gateway.GatewayOptions;
import dev.genapi.node.ServiceNode;
import dev.genapi.node.ServiceNodeOptions;
import dev.genapi.ratelimit.RateLimitOptions;
import dev.genapi.testing.Http;
import dev.genapi.testing.TestCluster;
import dev.genapi.testing.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static dev.genapi.testing.TestCluster.await;
import static dev.genapi.testing.WsClient.call;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /admin/explain} against a gateway and two demo nodes: the function found (or the lookup's error), the
 * caller's permission and arguments, the limits with the caller's state, the serving nodes; and that explaining
 * changes nothing.
 */
@DisplayName("Explaining a call")
class ExplainClusterTest {

  private static final String ADMIN = "explain-admin";
  private static final List<Vertx> members = new ArrayList<>();
  private static Gateway gateway;
  private static Vertx client;
  private static Http admin;

  @BeforeAll
  static void start() {
    ClusterOptions cluster = TestCluster.newCluster();
    Vertx gatewayVertx = TestCluster.member(cluster);
    members.add(gatewayVertx);
    gateway = await(Gateway.start(gatewayVertx, new GatewayOptions().setPort(TestCluster.freePort())
      .setAdminToken(ADMIN).setRateLimits(new RateLimitOptions(new JsonObject("{\"api_limits\":[{\"service\":"
        + "\"demo\",\"request_type\":\"echo\",\"key\":\"user_id\",\"max_requests\":3,\"window_ms\":60000}]}")))));
    for (String name : List.of("demo-1", "demo-2")) {
      Vertx nodeVertx = TestCluster.member(cluster);
      members.add(nodeVertx);
      ServiceNode node = DemoService.registerOn(ServiceNode.create(nodeVertx, new ServiceNodeOptions().setName(name)),
        nodeVertx);
      await(node.start());
      await(node.registered());
    }
    client = Vertx.vertx();
    admin = new Http(client, gateway.port());
  }

  @AfterAll
  static void stop() {
    TestCluster.close(client);
    members.forEach(TestCluster::close);
  }

  private static JsonObject explain(String query) {
    Http.Reply reply = admin.get("/admin/explain?" + query, ADMIN);
    assertThat(reply.status()).as(reply.raw().toString()).isEqualTo(200);
    return reply.json();
  }

  private static String args(String json) {
    return "&args=" + URLEncoder.encode(json, StandardCharsets.UTF_8);
  }

  @Test
  @DisplayName("the caller's state under a limit, counted by calls and not by explaining; arguments checked; both "
    + "nodes serve it")
  void limitsArgumentsAndNodes() {
    try (WsClient ws = WsClient.connect(client, gateway.port())) {
      for (int i = 0; i < 2; i++) {
        ws.send(call("e" + i, "demo", "echo", new JsonObject().put("message", "m")).put("user_id", "spender"));
        assertThat(ws.next().getBoolean("success")).isTrue();
      }
    }
    for (int i = 0; i < 2; i++) {
      JsonObject explained = explain("service=demo&request_type=echo&user_id=spender" + args("{\"message\":\"hi\"}"));
      assertThat(explained.getJsonObject("function").getString("request_type")).isEqualTo("echo");
      assertThat(explained.getJsonObject("permission").getBoolean("passes")).isTrue();
      assertThat(explained.getJsonObject("arguments")).isEqualTo(new JsonObject().put("passes", true));
      JsonObject limit = explained.getJsonArray("rate_limits").getJsonObject(0);
      assertThat(limit.getString("value")).isEqualTo("spender");
      assertThat(limit.getInteger("count")).as("explaining counts nothing").isEqualTo(2);
      assertThat(limit.getInteger("remaining")).isEqualTo(1);
      JsonObject nodes = explained.getJsonObject("nodes");
      assertThat(nodes.getJsonArray("serving")).hasSize(2);
      assertThat(nodes.getValue("chosen")).as("a random pick is made when the call comes").isNull();
    }
    JsonObject anonymous = explain("service=demo&request_type=echo" + args("{\"message\":5}"));
    assertThat(anonymous.getJsonArray("rate_limits").getJsonObject(0).getValue("value"))
      .as("a limit the call has no key value for").isNull();
    assertThat(anonymous.getJsonObject("arguments")).isEqualTo(new JsonObject().put("passes", false)
      .put("code", "INVALID_ARGUMENT").put("error", "invalid argument type for \"message\", expected string, got num"));
  }

  @Test
  @DisplayName("whether this caller passes the function's permission, by argument and by role; the permission "
    + "callback named, not asked")
  void permissions() {
    JsonObject own = explain("service=demo&request_type=get_profile&user_id=ann" + args("{\"user_id\":\"ann\"}"));
    assertThat(own.getJsonObject("permission").getBoolean("passes")).isTrue();
    assertThat(own.getJsonObject("permission").getJsonObject("check_permission"))
      .isEqualTo(new JsonObject().put("mode", "arg").put("arg", "user_id"));
    JsonObject other = explain("service=demo&request_type=get_profile&user_id=ann" + args("{\"user_id\":\"bob\"}"));
    assertThat(other.getJsonObject("permission").getString("code")).isEqualTo("PERMISSION_DENIED");
    assertThat(explain("service=demo&request_type=admin_stats&user_id=ann&roles=staff,admin")
      .getJsonObject("permission").getBoolean("passes")).isTrue();
    assertThat(explain("service=demo&request_type=admin_stats&user_id=ann")
      .getJsonObject("permission").getBoolean("passes")).isFalse();
    JsonObject guarded = explain("service=demo&request_type=guarded&user_id=ann").getJsonObject("permission");
    assertThat(guarded.getJsonObject("permission_callback")).isEqualTo(new JsonObject().put("service", "demo")
      .put("request_type", "can_call").put("version", "0.0.0"));
    assertThat(guarded.containsKey("callback_answer")).isTrue();
    assertThat(guarded.getValue("callback_answer")).as("not asked, nothing kept").isNull();
  }

  @Test
  @DisplayName("an unknown function or version answers the lookup's error; bad queries 400; no token 401")
  void lookupAndBadQueries() {
    assertThat(explain("service=demo&request_type=nope").getJsonObject("error")).isEqualTo(new JsonObject()
      .put("code", "NOT_FOUND").put("error", "unsupported function: nope version 0.0.0"));
    assertThat(explain("service=demo&request_type=get_user&version=latest").getJsonObject("function")
      .getString("version")).isEqualTo("2.0.0");
    assertThat(admin.get("/admin/explain?service=demo", ADMIN).status()).isEqualTo(400);
    assertThat(admin.get("/admin/explain?service=demo&request_type=echo&args=%5B1%5D", ADMIN).json()
      .getString("error")).isEqualTo("args must be a JSON object");
    assertThat(admin.get("/admin/explain?service=demo&request_type=echo", null).status()).isEqualTo(401);
  }
}
