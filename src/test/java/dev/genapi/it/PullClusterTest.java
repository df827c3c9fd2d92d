package dev.genapi.it;

import dev.genapi.api.FunConfig;
import dev.genapi.cluster.ClusterOptions;
import dev.genapi.config.ConfigOptions;
import dev.genapi.gateway.Gateway;
import dev.genapi.gateway.GatewayOptions;
import dev.genapi.node.ServiceNode;
import dev.genapi.node.ServiceNodeOptions;
import dev.genapi.testing.Eventually;
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

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

import static dev.genapi.testing.WsClient.call;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gateway that pulls a service from its node, as {@code service_configs} says, through the node's ups and downs.
 */
@DisplayName("Pulling a service's functions")
@ExtendWith(VertxExtension.class)
class PullClusterTest {

  private static final int CALL_ATTEMPTS = 50;

  private static Vertx gatewayVertx;
  private static Vertx nodeVertx;
  private static Vertx client;
  private static Gateway gateway;

  @BeforeAll
  static void start(VertxTestContext test) {
    ClusterOptions cluster = TestCluster.newCluster();
    client = Vertx.vertx();
    ConfigOptions pulls = new ConfigOptions().setFirstPullMs(200).setPullIntervalMs(300).setPullMaxBackoffMs(1200)
      .setPullTimeoutMs(500).setServiceConfigs(new JsonArray().add(new JsonObject().put("service", "catalog")
        .put("nodes", new JsonArray().add("catalog-1")).put("version_check", true)));
    TestCluster.join(cluster).compose(first -> {
      gatewayVertx = first;
      return TestCluster.join(cluster);
    }).compose(second -> {
      nodeVertx = second;
      return Gateway.start(gatewayVertx, new GatewayOptions().setPort(TestCluster.freePort()).setConfig(pulls));
    }).map(started -> gateway = started).onComplete(test.succeedingThenComplete());
  }

  @AfterAll
  static void stop(VertxTestContext test) {
    TestCluster.leave(client, nodeVertx, gatewayVertx).onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("pulls, skips an unchanged version, backs off while the node is down, recovers, drops vanished functions")
  void pullLifecycle(VertxTestContext test) {
    ServiceNode first = node(true);
    first.start()
      .compose(started -> pulledAndServed(first))
      .compose(served -> backsOffWhileDown(first))
      .compose(backedOff -> recoversWithoutDetail(node(false)))
      .onComplete(test.succeedingThenComplete());
  }

  /** The first node's functions are pulled, then skipped as unchanged, and served. */
  private static Future<Void> pulledAndServed(ServiceNode first) {
    return status(s -> "pulled".equals(s.getString("last_result")) || "skipped".equals(s.getString("last_result")))
      .map(pulled -> assertThat(pulled).isNotNull())
      .compose(checked -> callCatalog("detail"))
      .map(answer -> assertThat(answer.getValue("result")).isEqualTo("detail"))
      .compose(checked -> status(s -> "skipped".equals(s.getString("last_result"))))
      .map(skipped -> {
        assertThat(skipped.getInteger("failures")).isZero();
        return null;
      });
  }

  /** With the node stopped, pulls fail and back off to the maximum. */
  private static Future<Void> backsOffWhileDown(ServiceNode first) {
    return first.stop().compose(stopped -> status(s -> s.getInteger("failures") >= 3)).map(failing -> {
      assertThat(failing.getString("last_result")).isEqualTo("failed");
      assertThat(failing.getLong("next_pull_ms")).isEqualTo(1200);
      return null;
    });
  }

  /** A node without {@code detail} comes up: pulls succeed again, and {@code detail} is gone; then it stops. */
  private static Future<Void> recoversWithoutDetail(ServiceNode second) {
    return second.start().compose(started -> status(s -> "pulled".equals(s.getString("last_result"))))
      .map(recovered -> {
        assertThat(recovered.getInteger("failures")).isZero();
        assertThat(recovered.getLong("next_pull_ms")).isEqualTo(300);
        return null;
      })
      .compose(checked -> callCatalog("list"))
      .map(answer -> assertThat(answer.getValue("result")).isEqualTo("list"))
      .compose(checked -> callCatalog("detail"))
      .map(vanished -> {
        assertThat(vanished.getString("code")).isEqualTo("NOT_FOUND");
        return null;
      })
      .compose(checked -> second.stop());
  }

  private static ServiceNode node(boolean withDetail) {
    ServiceNode node = ServiceNode.create(nodeVertx, new ServiceNodeOptions().setName("catalog-1").setPushOnStart(false))
      .register(fun("list"), call -> Future.succeededFuture("list"));
    return withDetail ? node.register(fun("detail"), call -> Future.succeededFuture("detail")) : node;
  }

  private static FunConfig fun(String requestType) {
    return FunConfig.fromJson(new JsonObject().put("service", "catalog").put("request_type", requestType));
  }

  /** @return the pull status of the service once it matches (10 s at most) */
  private static Future<JsonObject> status(Predicate<JsonObject> wanted) {
    AtomicReference<JsonObject> matched = new AtomicReference<>();
    return Eventually.poll(client, () -> {
      JsonObject status = gateway.pullStatus().getJsonObject("catalog");
      if (wanted.test(status)) {
        matched.set(status);
      }
      return matched.get() != null;
    }, 10_000, () -> "pull status never matched: " + gateway.pullStatus()).map(v -> matched.get());
  }

  /** @return the first answer to a call of that function that is not UNAVAILABLE (50 calls at most) */
  private static Future<JsonObject> callCatalog(String requestType) {
    return WsClient.open(client, gateway.port(), null)
      .compose(ws -> callUntilAvailable(ws, requestType, 0).eventually(ws::shutdown));
  }

  private static Future<JsonObject> callUntilAvailable(WsClient ws, String requestType, int i) {
    if (i == CALL_ATTEMPTS) {
      return Future.failedFuture(new AssertionError(requestType + " stayed unavailable"));
    }
    return ws.ask(call("c" + i, "catalog", requestType, new JsonObject())).compose(answer ->
      !"UNAVAILABLE".equals(answer.getString("code")) ? Future.succeededFuture(answer)
        : ws.quiet(100).compose(dropped -> callUntilAvailable(ws, requestType, i + 1)));
  }
}
