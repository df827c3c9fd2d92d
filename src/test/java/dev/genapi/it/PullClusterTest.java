package dev.genapi.it;

import dev.genapi.api.FunConfig;
import dev.genapi.cluster.ClusterOptions;
import dev.genapi.config.ConfigOptions;
import dev.genapi.gateway.Gateway;
import dev.genapi.gateway.GatewayOptions;
import dev.genapi.node.ServiceNode;
import dev.genapi.node.ServiceNodeOptions;
import dev.genapi.testing.TestCluster;
import dev.genapi.testing.WsClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.function.Predicate;

import static dev.genapi.testing.TestCluster.await;
import static dev.genapi.testing.WsClient.call;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gateway that pulls a service from its node, as {@code service_configs} says, through the node's ups and downs.
 */
@DisplayName("Pulling a service's functions")
class PullClusterTest {

  private static Vertx gatewayVertx;
  private static Vertx nodeVertx;
  private static Vertx client;
  private static Gateway gateway;

  @BeforeAll
  static void start() {
    ClusterOptions cluster = TestCluster.newCluster();
    gatewayVertx = TestCluster.member(cluster);
    nodeVertx = TestCluster.member(cluster);
    client = Vertx.vertx();
    ConfigOptions pulls = new ConfigOptions().setFirstPullMs(200).setPullIntervalMs(300).setPullMaxBackoffMs(1200)
      .setPullTimeoutMs(500).setServiceConfigs(new JsonArray().add(new JsonObject().put("service", "catalog")
        .put("nodes", new JsonArray().add("catalog-1")).put("version_check", true)));
    gateway = await(Gateway.start(gatewayVertx, new GatewayOptions().setPort(TestCluster.freePort()).setConfig(pulls)));
  }

  @AfterAll
  static void stop() {
    TestCluster.close(client, nodeVertx, gatewayVertx);
  }

  @Test
  @DisplayName("pulls, skips an unchanged version, backs off while the node is down, recovers, drops vanished functions")
  void pullLifecycle() {
    ServiceNode first = node(true);
    await(first.start());
    assertThat(status(s -> "pulled".equals(s.getString("last_result")) || "skipped".equals(s.getString("last_result"))))
      .isNotNull();
    assertThat(callCatalog("detail").getValue("result")).isEqualTo("detail");
    assertThat(status(s -> "skipped".equals(s.getString("last_result"))).getInteger("failures")).isZero();

    await(first.stop());
    JsonObject failing = status(s -> s.getInteger("failures") >= 3);
    assertThat(failing.getString("last_result")).isEqualTo("failed");
    assertThat(failing.getLong("next_pull_ms")).isEqualTo(1200);

    ServiceNode second = node(false);
    await(second.start());
    JsonObject recovered = status(s -> "pulled".equals(s.getString("last_result")));
    assertThat(recovered.getInteger("failures")).isZero();
    assertThat(recovered.getLong("next_pull_ms")).isEqualTo(300);
    assertThat(callCatalog("list").getValue("result")).isEqualTo("list");
    JsonObject vanished = callCatalog("detail");
    assertThat(vanished.getString("code")).isEqualTo("NOT_FOUND");
    await(second.stop());
  }

  private static ServiceNode node(boolean withDetail) {
    ServiceNode node = ServiceNode.create(nodeVertx, new ServiceNodeOptions().setName("catalog-1").setPushOnStart(false))
      .register(fun("list"), call -> Future.succeededFuture("list"));
    return withDetail ? node.register(fun("detail"), call -> Future.succeededFuture("detail")) : node;
  }

  private static FunConfig fun(String requestType) {
    return FunConfig.fromJson(new JsonObject().put("service", "catalog").put("request_type", requestType));
  }

  /** Waits (10 s at most) for the pull status of the service to match. */
  private static JsonObject status(Predicate<JsonObject> wanted) {
    for (int i = 0; i < 200; i++) {
      JsonObject status = gateway.pullStatus().getJsonObject("catalog");
      if (wanted.test(status)) {
        return status;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    throw new AssertionError("pull status never matched: " + gateway.pullStatus());
  }

  private static JsonObject callCatalog(String requestType) {
    try (WsClient ws = WsClient.connect(client, gateway.port())) {
      for (int i = 0; i < 50; i++) {
        ws.send(call("c" + i, "catalog", requestType, new JsonObject()));
        JsonObject answer = ws.next();
        if (!"UNAVAILABLE".equals(answer.getString("code"))) {
          return answer;
        }
        ws.drain(100);
      }
      throw new AssertionError(requestType + " stayed unavailable");
    }
  }
}
