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
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.genapi.testing.WsClient.call;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /admin/explain} against a gateway and two demo nodes: the function found (or the lookup's error), the
 * caller's permission and arguments, the limits with the caller's state, the serving nodes; and that explaining
 * changes nothing.
 */
@DisplayName("Explaining a call")
@ExtendWith(VertxExtension.class)
class ExplainClusterTest {

  private static final String ADMIN = "explain-admin";
  private static final List<Vertx> members = new CopyOnWriteArrayList<>();
  private static Gateway gateway;
  private static Vertx client;
  private static Http admin;

  @BeforeAll
  static void start(VertxTestContext test) {
    ClusterOptions cluster = TestCluster.newCluster();
    TestCluster.join(cluster).compose(gatewayVertx -> {
      members.add(gatewayVertx);
      return Gateway.start(gatewayVertx, new GatewayOptions().setPort(TestCluster.freePort())
        .setAdminToken(ADMIN).setRateLimits(new RateLimitOptions(new JsonObject("{\"api_limits\":[{\"service\":"
          + "\"demo\",\"request_type\":\"echo\",\"key\":\"user_id\",\"max_requests\":3,\"window_ms\":60000}]}"))));
    }).compose(started -> {
      gateway = started;
      return demoNode(cluster, "demo-1");
    }).compose(first -> demoNode(cluster, "demo-2")).map(second -> {
      client = Vertx.vertx();
      admin = new Http(client, gateway.port());
      return second;
    }).onComplete(test.succeedingThenComplete());
  }

  @AfterAll
  static void stop(VertxTestContext test) {
    TestCluster.leave(client).eventually(() -> TestCluster.leave(members.toArray(Vertx[]::new)))
      .onComplete(test.succeedingThenComplete());
  }

  /** A demo node of that name in a new member of the cluster, once registered. */
  private static Future<Void> demoNode(ClusterOptions cluster, String name) {
    return TestCluster.join(cluster).compose(nodeVertx -> {
      members.add(nodeVertx);
      ServiceNode node = DemoService.registerOn(ServiceNode.create(nodeVertx, new ServiceNodeOptions().setName(name)),
        nodeVertx);
      return node.start().compose(v -> node.registered()).mapEmpty();
    });
  }

  private static Future<JsonObject> explain(String query) {
    return admin.fetch("/admin/explain?" + query, ADMIN).map(reply -> {
      assertThat(reply.status()).as(reply.raw().toString()).isEqualTo(200);
      return reply.json();
    });
  }

  private static String args(String json) {
    return "&args=" + URLEncoder.encode(json, StandardCharsets.UTF_8);
  }

  @Test
  @DisplayName("the caller's state under a limit, counted by calls and not by explaining; arguments checked; both "
    + "nodes serve it")
  void limitsArgumentsAndNodes(VertxTestContext test) {
    WsClient.open(client, gateway.port(), null)
      .compose(ws -> spendEcho(ws, 0).eventually(ws::shutdown))
      .compose(spent -> explainSpenderTwice(0))
      .compose(explained -> explain("service=demo&request_type=echo" + args("{\"message\":5}")))
      .onComplete(test.succeeding(anonymous -> test.verify(() -> {
        assertThat(anonymous.getJsonArray("rate_limits").getJsonObject(0).getValue("value"))
          .as("a limit the call has no key value for").isNull();
        assertThat(anonymous.getJsonObject("arguments")).isEqualTo(new JsonObject().put("passes", false)
          .put("code", "INVALID_ARGUMENT")
          .put("error", "invalid argument type for \"message\", expected string, got num"));
        test.completeNow();
      })));
  }

  /** Two echo calls as the spender, one at a time, each of which must succeed. */
  private static Future<Void> spendEcho(WsClient ws, int i) {
    if (i == 2) {
      return Future.succeededFuture();
    }
    return ws.ask(call("e" + i, "demo", "echo", new JsonObject().put("message", "m")).put("user_id", "spender"))
      .compose(answer -> {
        assertThat(answer.getBoolean("success")).isTrue();
        return spendEcho(ws, i + 1);
      });
  }

  /** Explains the spender's echo twice, one after the other: explaining counts nothing. */
  private static Future<Void> explainSpenderTwice(int i) {
    if (i == 2) {
      return Future.succeededFuture();
    }
    String query = "service=demo&request_type=echo&user_id=spender" + args("{\"message\":\"hi\"}");
    return explain(query).compose(explained -> {
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
      return explainSpenderTwice(i + 1);
    });
  }

  @Test
  @DisplayName("whether this caller passes the function's permission, by argument and by role; the permission "
    + "callback named, not asked")
  void permissions(VertxTestContext test) {
    explain("service=demo&request_type=get_profile&user_id=ann" + args("{\"user_id\":\"ann\"}")).map(own -> {
      assertThat(own.getJsonObject("permission").getBoolean("passes")).isTrue();
      return assertThat(own.getJsonObject("permission").getJsonObject("check_permission"))
        .isEqualTo(new JsonObject().put("mode", "arg").put("arg", "user_id"));
    }).compose(checked -> explain("service=demo&request_type=get_profile&user_id=ann" + args("{\"user_id\":\"bob\"}")))
      .map(other -> assertThat(other.getJsonObject("permission").getString("code")).isEqualTo("PERMISSION_DENIED"))
      .compose(checked -> explain("service=demo&request_type=admin_stats&user_id=ann&roles=staff,admin"))
      .map(staff -> assertThat(staff.getJsonObject("permission").getBoolean("passes")).isTrue())
      .compose(checked -> explain("service=demo&request_type=admin_stats&user_id=ann"))
      .map(noRole -> assertThat(noRole.getJsonObject("permission").getBoolean("passes")).isFalse())
      .compose(checked -> explain("service=demo&request_type=guarded&user_id=ann"))
      .onComplete(test.succeeding(explained -> test.verify(() -> {
        JsonObject guarded = explained.getJsonObject("permission");
        assertThat(guarded.getJsonObject("permission_callback")).isEqualTo(new JsonObject().put("service", "demo")
          .put("request_type", "can_call").put("version", "0.0.0"));
        assertThat(guarded.containsKey("callback_answer")).isTrue();
        assertThat(guarded.getValue("callback_answer")).as("not asked, nothing kept").isNull();
        test.completeNow();
      })));
  }

  @Test
  @DisplayName("an unknown function or version answers the lookup's error; bad queries 400; no token 401")
  void lookupAndBadQueries(VertxTestContext test) {
    explain("service=demo&request_type=nope")
      .map(unknown -> assertThat(unknown.getJsonObject("error")).isEqualTo(new JsonObject()
        .put("code", "NOT_FOUND").put("error", "unsupported function: nope version 0.0.0")))
      .compose(checked -> explain("service=demo&request_type=get_user&version=latest"))
      .map(latest -> assertThat(latest.getJsonObject("function").getString("version")).isEqualTo("2.0.0"))
      .compose(checked -> admin.fetch("/admin/explain?service=demo", ADMIN))
      .map(noType -> assertThat(noType.status()).isEqualTo(400))
      .compose(checked -> admin.fetch("/admin/explain?service=demo&request_type=echo&args=%5B1%5D", ADMIN))
      .map(arrayArgs -> assertThat(arrayArgs.json().getString("error")).isEqualTo("args must be a JSON object"))
      .compose(checked -> admin.fetch("/admin/explain?service=demo&request_type=echo", null))
      .onComplete(test.succeeding(noToken -> test.verify(() -> {
        assertThat(noToken.status()).isEqualTo(401);
        test.completeNow();
      })));
  }
}
