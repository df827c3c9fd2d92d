package dev.genapi.it;

import dev.genapi.cluster.ClusterOptions;
import dev.genapi.demo.DemoService;
import dev.genapi.gateway.Gateway;
import dev.genapi.gateway.GatewayOptions;
import dev.genapi.node.ServiceNode;
import dev.genapi.node.ServiceNodeOptions;
import dev.genapi.testing.Eventually;
import dev.genapi.testing.Http;
import dev.genapi.testing.TestCluster;
import dev.genapi.testing.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.genapi.testing.TestCluster.await;
import static dev.genapi.testing.WsClient.call;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three gateways and a demo node: rate limits that hold across the cluster, changed at runtime on every gateway.
 */
@DisplayName("Rate limits across three gateways")
class RateLimitClusterTest {

  private static final String ADMIN = "limits-admin";

  private static final List<Vertx> members = new ArrayList<>();
  private static final List<Gateway> gateways = new ArrayList<>();
  private static Vertx client;

  @BeforeAll
  static void start() {
    ClusterOptions cluster = TestCluster.newCluster();
    for (int i = 0; i < 3; i++) {
      Vertx member = TestCluster.member(cluster);
      members.add(member);
      gateways.add(await(Gateway.start(member, new GatewayOptions().setPort(TestCluster.freePort())
        .setAdminToken(ADMIN))));
    }
    Vertx nodeVertx = TestCluster.member(cluster);
    members.add(nodeVertx);
    ServiceNode node = DemoService.registerOn(ServiceNode.create(nodeVertx, new ServiceNodeOptions().setName("demo-rl")),
      nodeVertx);
    await(node.start());
    await(node.registered());
    client = Vertx.vertx();
    for (Gateway gateway : gateways) {
      assertThat(Eventually.until(gateway::rateLimitGateways, n -> n == 3, 10_000)).isEqualTo(3);
    }
  }

  @AfterAll
  static void stop() {
    TestCluster.close(client);
    members.forEach(TestCluster::close);
  }

  @Test
  @DisplayName("a limit of 100 per user admits 100 to 110 of 300 calls spread over the gateways, and 3x that without cluster mode")
  void clusterWideLimit() {
    put("{\"global_limits\":[{\"key\":\"user_id\",\"max_requests\":100,\"window_ms\":10000}]}");
    awaitApplied(true);
    int admitted = spread("spread-user", 300);
    assertThat(admitted).isBetween(100, 110);

    put("{\"cluster\":false,\"global_limits\":[{\"key\":\"user_id\",\"max_requests\":100,\"window_ms\":10000}]}");
    awaitApplied(false);
    assertThat(spread("local-user", 300)).as("each gateway admits its own 100").isGreaterThan(200);
  }

  @Test
  @DisplayName("a change made on one gateway applies on all of them within a second; invalid limits answer 400")
  void runtimeChange() {
    Http admin = new Http(client, gateways.get(1).port());
    Http.Reply invalid = admin.send(HttpMethod.PUT, "/admin/rate-limits", ADMIN,
      "{\"global_limits\":[{\"key\":\"user_id\",\"max_requests\":-1,\"window_ms\":1000}]}");
    assertThat(invalid.status()).isEqualTo(400);
    assertThat(invalid.json().getJsonArray("reasons"))
      .containsExactly("global_limits[0]: max_requests must be an integer between 1 and 100000");
    assertThat(admin.send(HttpMethod.PUT, "/admin/rate-limits", ADMIN, "[1,2").status()).isEqualTo(400);

    long start = System.currentTimeMillis();
    JsonObject limits = new JsonObject("{\"api_limits\":[{\"service\":\"demo\",\"request_type\":\"add\","
      + "\"key\":\"device_id\",\"max_requests\":7,\"window_ms\":5000}]}");
    assertThat(admin.send(HttpMethod.PUT, "/admin/rate-limits", ADMIN, limits.encode()).status()).isEqualTo(200);
    for (Gateway gateway : gateways) {
      JsonObject applied = Eventually.until(() -> gateway.rateLimiter().options().toJson(),
        json -> json.getJsonArray("api_limits").size() == 1, 1000);
      assertThat(applied.getJsonArray("api_limits").getJsonObject(0).getInteger("max_requests")).isEqualTo(7);
    }
    assertThat(System.currentTimeMillis() - start).isLessThan(1000);
    assertThat(new Http(client, gateways.get(2).port()).get("/admin/rate-limits", ADMIN).json()
      .getJsonArray("api_limits").getJsonObject(0).getString("key")).isEqualTo("device_id");
  }

  private static void put(String limits) {
    Http.Reply reply = new Http(client, gateways.get(0).port()).send(HttpMethod.PUT, "/admin/rate-limits", ADMIN, limits);
    assertThat(reply.status()).isEqualTo(200);
  }

  private static void awaitApplied(boolean cluster) {
    for (Gateway gateway : gateways) {
      assertThat(Eventually.until(() -> gateway.rateLimiter().options(), o -> o.isCluster() == cluster
        && !o.getGlobalLimits().isEmpty(), 2000).isCluster()).isEqualTo(cluster);
    }
  }

  /** Calls echo as the user, round robin over the three gateways; returns how many were admitted. */
  private static int spread(String user, int calls) {
    List<WsClient> sockets = gateways.stream().map(g -> WsClient.connect(client, g.port())).toList();
    try {
      int admitted = 0;
      for (int i = 0; i < calls; i++) {
        WsClient ws = sockets.get(i % sockets.size());
        ws.send(call(user + i, "demo", "echo", new JsonObject().put("message", "m")).put("user_id", user));
        JsonObject answer = ws.next();
        if (answer.getBoolean("success")) {
          admitted++;
        } else {
          assertThat(answer.getString("code")).isEqualTo("RATE_LIMITED");
          assertThat(answer.getLong("retry_after_ms")).isBetween(1L, 10_000L);
        }
      }
      return admitted;
    } finally {
      sockets.forEach(WsClient::close);
    }
  }
}
