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
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

import static dev.genapi.testing.WsClient.call;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three gateways and a demo node: rate limits that hold across the cluster, changed at runtime on every gateway.
 */
@DisplayName("Rate limits across three gateways")
// four cluster members join one after the other in @BeforeAll: 15 to 20 s on a loaded 2-core machine
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
@ExtendWith(VertxExtension.class)
class RateLimitClusterTest {

  private static final String ADMIN = "limits-admin";

  private static final List<Vertx> members = new ArrayList<>();
  private static final List<Gateway> gateways = new ArrayList<>();
  private static Vertx client;

  @BeforeAll
  static void start(VertxTestContext test) {
    ClusterOptions cluster = TestCluster.newCluster();
    client = Vertx.vertx();
    inTurn(3, i -> TestCluster.join(cluster).compose(member -> {
      members.add(member);
      return Gateway.start(member, new GatewayOptions().setPort(TestCluster.freePort()).setAdminToken(ADMIN));
    }).map(gateways::add))
      .compose(v -> TestCluster.join(cluster))
      .compose(nodeVertx -> {
        members.add(nodeVertx);
        ServiceNode node = DemoService.registerOn(ServiceNode.create(nodeVertx,
          new ServiceNodeOptions().setName("demo-rl")), nodeVertx);
        return node.start().compose(started -> node.registered());
      })
      .compose(v -> inTurn(gateways.size(), i -> Eventually.poll(client,
        () -> gateways.get(i).rateLimitGateways() == 3, 10_000,
        () -> "gateway " + i + " counts " + gateways.get(i).rateLimitGateways() + " rate-limit gateways")))
      .onComplete(test.succeedingThenComplete());
  }

  @AfterAll
  static void stop(VertxTestContext test) {
    List<Vertx> all = new ArrayList<>(members);
    all.add(0, client);
    TestCluster.leave(all.toArray(Vertx[]::new)).onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("a limit of 100 per user admits 100 to 110 of 300 calls spread over the gateways, and 3x that without cluster mode")
  void clusterWideLimit(VertxTestContext test) {
    put("{\"global_limits\":[{\"key\":\"user_id\",\"max_requests\":100,\"window_ms\":10000}]}")
      .compose(v -> applied(true))
      .compose(v -> spread("spread-user", 300))
      .map(admitted -> assertThat(admitted).isBetween(100, 110))
      .compose(v -> put("{\"cluster\":false,\"global_limits\":[{\"key\":\"user_id\",\"max_requests\":100,"
        + "\"window_ms\":10000}]}"))
      .compose(v -> applied(false))
      .compose(v -> spread("local-user", 300))
      .map(admitted -> assertThat(admitted).as("each gateway admits its own 100").isGreaterThan(200))
      .onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("a change made on one gateway applies on all of them within a second; invalid limits answer 400")
  void runtimeChange(VertxTestContext test) {
    Http admin = new Http(client, gateways.get(1).port());
    JsonObject limits = new JsonObject("{\"api_limits\":[{\"service\":\"demo\",\"request_type\":\"add\","
      + "\"key\":\"device_id\",\"max_requests\":7,\"window_ms\":5000}]}");
    long[] start = new long[1];
    admin.exchange(HttpMethod.PUT, "/admin/rate-limits", ADMIN,
        "{\"global_limits\":[{\"key\":\"user_id\",\"max_requests\":-1,\"window_ms\":1000}]}")
      .map(invalid -> {
        assertThat(invalid.status()).isEqualTo(400);
        return assertThat(invalid.json().getJsonArray("reasons"))
          .containsExactly("global_limits[0]: max_requests must be an integer between 1 and 100000");
      })
      .compose(v -> admin.exchange(HttpMethod.PUT, "/admin/rate-limits", ADMIN, "[1,2"))
      .map(broken -> assertThat(broken.status()).isEqualTo(400))
      .compose(v -> {
        start[0] = System.currentTimeMillis();
        return admin.exchange(HttpMethod.PUT, "/admin/rate-limits", ADMIN, limits.encode());
      })
      .map(changed -> assertThat(changed.status()).isEqualTo(200))
      .compose(v -> inTurn(gateways.size(), i -> appliedWithin1s(gateways.get(i))))
      .map(v -> assertThat(System.currentTimeMillis() - start[0]).isLessThan(1000))
      .compose(v -> getLimits(gateways.get(2)))
      .map(read -> assertThat(read.getJsonArray("api_limits").getJsonObject(0).getString("key"))
        .isEqualTo("device_id"))
      .eventually(admin::shutdown)
      .onComplete(test.succeedingThenComplete());
  }

  /** The gateway holds the one api limit of 7 within a second. */
  private static Future<Void> appliedWithin1s(Gateway gateway) {
    return Eventually.poll(client, () -> gateway.rateLimiter().options().toJson().getJsonArray("api_limits").size() == 1,
        1000, () -> "api limits: " + gateway.rateLimiter().options().toJson().getJsonArray("api_limits"))
      .map(v -> {
        assertThat(gateway.rateLimiter().options().toJson().getJsonArray("api_limits").getJsonObject(0)
          .getInteger("max_requests")).isEqualTo(7);
        return null;
      });
  }

  private static Future<JsonObject> getLimits(Gateway gateway) {
    Http http = new Http(client, gateway.port());
    return http.fetch("/admin/rate-limits", ADMIN).map(Http.Reply::json).eventually(http::shutdown);
  }

  private static Future<Void> put(String limits) {
    Http http = new Http(client, gateways.get(0).port());
    return http.exchange(HttpMethod.PUT, "/admin/rate-limits", ADMIN, limits)
      .map(reply -> {
        assertThat(reply.status()).isEqualTo(200);
        return (Void) null;
      })
      .eventually(http::shutdown);
  }

  /**
   * Waits up to 2 s on each gateway in turn for global limits in that cluster mode, then checks the mode (as the
   * blocking version did: the wait itself does not fail).
   */
  private static Future<Void> applied(boolean cluster) {
    return inTurn(gateways.size(), i -> Eventually.poll(client, () -> gateways.get(i).rateLimiter().options().isCluster()
        == cluster && !gateways.get(i).rateLimiter().options().getGlobalLimits().isEmpty(), 2000, () -> "not applied")
      .otherwiseEmpty()
      .map(v -> assertThat(gateways.get(i).rateLimiter().options().isCluster()).isEqualTo(cluster)));
  }

  /** Calls echo as the user, one at a time, round robin over the three gateways; answers how many were admitted. */
  private static Future<Integer> spread(String user, int calls) {
    List<WsClient> sockets = new ArrayList<>();
    AtomicInteger admitted = new AtomicInteger();
    return inTurn(gateways.size(), i -> WsClient.open(client, gateways.get(i).port(), null).map(sockets::add))
      .compose(v -> inTurn(calls, i -> sockets.get(i % sockets.size())
        .ask(call(user + i, "demo", "echo", new JsonObject().put("message", "m")).put("user_id", user))
        .map(answer -> {
          if (answer.getBoolean("success")) {
            return admitted.incrementAndGet();
          }
          assertThat(answer.getString("code")).isEqualTo("RATE_LIMITED");
          assertThat(answer.getLong("retry_after_ms")).isBetween(1L, 10_000L);
          return admitted.get();
        })))
      .map(v -> admitted.get())
      .eventually(() -> Future.join(sockets.stream().map(WsClient::shutdown).toList()));
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
