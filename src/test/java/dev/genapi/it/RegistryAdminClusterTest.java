package dev.genapi.it;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.genapi.api.FunConfig;
import dev.genapi.cluster.Addresses;
import dev.genapi.cluster.ClusterOptions;
import dev.genapi.cluster.ClusterSupport;
import dev.genapi.config.ConfigOptions;
import dev.genapi.config.ConfigService;
import dev.genapi.config.PushConfig;
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
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

import static dev.genapi.testing.WsClient.call;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two gateways and a node in three clustered Vert.x instances: a registry they all share, changed through either
 * gateway's admin API or by pushes, with push tokens and failed configs.
 */
@DisplayName("A registry shared by two gateways, and its admin API")
@ExtendWith(VertxExtension.class)
class RegistryAdminClusterTest {

  private static final String ADMIN = "admin-secret";
  private static final String PUSH = "push-secret";

  private static Vertx vertxA;
  private static Vertx vertxB;
  private static Vertx nodeVertx;
  private static Vertx client;
  private static Gateway gatewayA;
  private static Gateway gatewayB;
  private static ServiceNode node;
  private static Http adminA;
  private static Http adminB;

  @BeforeAll
  static void start(VertxTestContext test) {
    ClusterOptions cluster = TestCluster.newCluster();
    client = Vertx.vertx();
    TestCluster.join(cluster).compose(first -> {
      vertxA = first;
      return TestCluster.join(cluster);
    }).compose(second -> {
      vertxB = second;
      return TestCluster.join(cluster);
    }).compose(third -> {
      nodeVertx = third;
      return Gateway.start(vertxA, options());
    }).compose(a -> {
      gatewayA = a;
      return Gateway.start(vertxB, options());
    }).compose(b -> {
      gatewayB = b;
      node = ServiceNode.create(nodeVertx, new ServiceNodeOptions().setName("inventory-1").setPushToken(PUSH)
          .setVerifyIntervalMs(300))
        .register(fun("{'request_type':'stock','version':'1.0.0'}"), call -> Future.succeededFuture(1))
        .register(fun("{'request_type':'price'}"), call -> Future.succeededFuture(9.5));
      return node.start().compose(v -> node.registered());
    }).map(registered -> {
      adminA = new Http(client, gatewayA.port());
      adminB = new Http(client, gatewayB.port());
      return registered;
    }).onComplete(test.succeedingThenComplete());
  }

  @AfterAll
  static void stop(VertxTestContext test) {
    TestCluster.leave(client, nodeVertx, vertxB, vertxA).onComplete(test.succeedingThenComplete());
  }

  private static GatewayOptions options() {
    return new GatewayOptions().setPort(TestCluster.freePort()).setAdminToken(ADMIN)
      .setConfig(new ConfigOptions().setPushToken(PUSH));
  }

  @Test
  @DisplayName("a new version pushed by the node is served by both gateways at once")
  void pushReachesBothGateways(VertxTestContext test) {
    node.register(fun("{'request_type':'stock','version':'2.0.0'}"), call -> Future.succeededFuture(2));
    node.push(false)
      .map(pushed -> assertThat(pushed.getJsonObject("inventory").getString("status")).isEqualTo("accepted"))
      .compose(checked -> oneAfterAnother(List.of(gatewayA, gatewayB), gateway ->
        eventually(() -> callOn(gateway, "stock", "2.0.0"), a -> a.getBoolean("success"))
          .map(answer -> assertThat(answer.getValue("result")).isEqualTo(2))))
      .onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("disable through gateway A makes gateway B answer DISABLED; enable restores; delete removes everywhere")
  void disableEnableDelete(VertxTestContext test) {
    String path = "/admin/functions/inventory/stock/1.0.0";
    adminA.exchange(HttpMethod.POST, path + "/disable", ADMIN, null)
      .map(reply -> assertThat(reply.json().getString("status")).isEqualTo("disabled"))
      .compose(checked -> eventually(() -> callOn(gatewayB, "stock", "1.0.0"),
        a -> "DISABLED".equals(a.getString("code"))))
      .map(disabled -> assertThat(disabled.getString("error")).isEqualTo("disabled function: stock version 1.0.0"))
      .compose(checked -> adminB.fetch("/admin/functions", ADMIN))
      .map(listed -> assertThat(listed.json().getJsonObject("inventory").getJsonArray("stock")
        .getJsonObject(0).getBoolean("disabled")).isTrue())
      .compose(checked -> adminA.exchange(HttpMethod.POST, path + "/enable", ADMIN, null))
      .map(enabled -> assertThat(enabled.status()).isEqualTo(200))
      .compose(checked -> eventually(() -> callOn(gatewayB, "stock", "1.0.0"), a -> a.getBoolean("success")))
      .map(served -> assertThat(served.getValue("result")).isEqualTo(1))
      .compose(checked -> deletedEverywhere())
      .onComplete(test.succeedingThenComplete());
  }

  /** Deleting price through gateway A removes it from both; a second delete, or disabling a stranger, is 404. */
  private static Future<Void> deletedEverywhere() {
    return adminA.exchange(HttpMethod.DELETE, "/admin/functions/inventory/price/0.0.0", ADMIN, null)
      .map(deleted -> assertThat(deleted.status()).isEqualTo(200))
      .compose(checked -> oneAfterAnother(List.of(gatewayA, gatewayB), gateway ->
        eventually(() -> callOn(gateway, "price", null), a -> "NOT_FOUND".equals(a.getString("code")))
          .map(gone -> assertThat(gone.getString("error")).isEqualTo("unsupported function: price version 0.0.0"))))
      .compose(checked -> adminA.exchange(HttpMethod.DELETE, "/admin/functions/inventory/price/0.0.0", ADMIN, null))
      .map(again -> assertThat(again.status()).isEqualTo(404))
      .compose(checked -> adminA.exchange(HttpMethod.POST, "/admin/functions/inventory/nope/1.0.0/disable", ADMIN,
        null))
      .map(stranger -> {
        assertThat(stranger.status()).isEqualTo(404);
        return null;
      });
  }

  @Test
  @DisplayName("a push with a bad token is refused; a partial push stores the valid function and lists the other")
  void pushTokenAndPartialPush(VertxTestContext test) {
    ConfigService config = ConfigService.createProxy(nodeVertx);
    JsonArray funConfigs = new JsonArray()
      .add(new JsonObject().put("service", "ledger").put("request_type", "balance"))
      .add(new JsonObject().put("service", "ledger").put("request_type", "audit").put("timeout", 5));
    PushConfig push = new PushConfig().setService("ledger").setConfigVersion("1").setNodes(List.of("inventory-1"))
      .setFunConfigs(funConfigs);
    failure(config.push(push.setPushToken("wrong"), false))
      .map(refused -> assertThat(refused).hasMessageContaining("invalid push token"))
      .compose(checked -> config.push(push.setPushToken(PUSH), false))
      .map(answer -> {
        assertThat(answer.getJsonArray("accepted")).containsExactly("ledger/balance/0.0.0");
        return assertThat(answer.getJsonArray("rejected").getJsonObject(0).getString("request_type"))
          .isEqualTo("audit");
      })
      .compose(checked -> adminB.fetch("/admin/failed-configs?service=ledger", ADMIN))
      .map(reply -> {
        JsonArray failed = reply.array();
        assertThat(failed).hasSize(1);
        JsonObject entry = failed.getJsonObject(0);
        assertThat(entry.getString("request_type")).isEqualTo("audit");
        assertThat(entry.getString("source")).isEqualTo("push");
        assertThat(entry.getString("node")).isEqualTo("inventory-1");
        return assertThat(entry.getJsonArray("reasons"))
          .containsExactly("timeout must be an integer between 100 and 300000");
      })
      .compose(checked -> adminB.fetch("/admin/services", ADMIN))
      .onComplete(test.succeeding(services -> test.verify(() -> {
        assertThat(services.array().stream().map(s -> ((JsonObject) s).getString("service")))
          .contains("ledger", "inventory");
        test.completeNow();
      })));
  }

  @Test
  @DisplayName("failed configs expire after 24 h, are summed up by service and source, and cleared cluster-wide")
  void failedConfigsSummaryAndClear(VertxTestContext test) {
    ConfigService config = ConfigService.createProxy(nodeVertx);
    PushConfig push = new PushConfig().setService("audit-log").setConfigVersion("1").setNodes(List.of("inventory-1"))
      .setPushToken(PUSH).setFunConfigs(new JsonArray()
        .add(new JsonObject().put("service", "audit-log").put("request_type", "write"))
        .add(new JsonObject().put("service", "audit-log").put("request_type", "bad").put("timeout", 1))
        .add(new JsonObject().put("service", "audit-log").put("request_type", "worse").put("timeout", 2)));
    config.push(push, true)
      .compose(pushed -> adminB.fetch("/admin/failed-configs/summary", ADMIN))
      .map(reply -> {
        JsonObject summary = reply.json();
        assertThat(summary.getJsonObject("by_service").getLong("audit-log")).isEqualTo(2L);
        assertThat(summary.getJsonObject("by_source").getLong("push")).isGreaterThanOrEqualTo(2L);
        return assertThat(summary.getInteger("total")).isGreaterThanOrEqualTo(2);
      })
      .compose(checked -> failedConfigsExpireAfterADay())
      .compose(checked -> clearedClusterWide())
      .onComplete(test.succeedingThenComplete());
  }

  /** Every entry of the failed-configs map has a time to live of 24 h (read off the event loops). */
  private static Future<Void> failedConfigsExpireAfterADay() {
    return client.executeBlocking(() -> {
      IMap<String, String> failed = ClusterSupport.hazelcast(vertxA).getMap(Addresses.FAILED_MAP);
      assertThat(failed.keySet()).allSatisfy(id -> assertThat(failed.getEntryView(id).getTtl())
        .as("a failed config expires after 24 h").isEqualTo(TimeUnit.HOURS.toMillis(24)));
      return null;
    });
  }

  /** Clearing through gateway A empties both lists; without the token it is 401. */
  private static Future<Void> clearedClusterWide() {
    return adminA.exchange(HttpMethod.DELETE, "/admin/failed-configs", ADMIN, null)
      .map(cleared -> assertThat(cleared.json().getString("status")).isEqualTo("cleared"))
      .compose(checked -> adminB.fetch("/admin/failed-configs", ADMIN))
      .map(listed -> {
        assertThat(listed.array()).isEmpty();
        return null;
      })
      .compose(checked -> adminB.fetch("/admin/failed-configs/summary", ADMIN))
      .map(summary -> assertThat(summary.json()).isEqualTo(new JsonObject().put("total", 0)
        .put("by_service", new JsonObject()).put("by_source", new JsonObject())))
      .compose(checked -> adminB.exchange(HttpMethod.DELETE, "/admin/failed-configs", null, null))
      .map(noToken -> {
        assertThat(noToken.status()).isEqualTo(401);
        return null;
      });
  }

  @Test
  @DisplayName("admin routes need the token, answer 404 when none is configured, and 400 for a malformed body")
  void adminAuthorization(VertxTestContext test) {
    adminA.fetch("/admin/functions", null).map(noToken -> {
      assertThat(noToken.status()).isEqualTo(401);
      return assertThat(noToken.header("WWW-Authenticate")).isEqualTo("Bearer");
    }).compose(checked -> adminA.fetch("/admin/functions", "guess"))
      .map(guess -> assertThat(guess.status()).isEqualTo(401))
      .compose(checked -> adminA.exchange(HttpMethod.POST, "/admin/push", ADMIN, "{broken"))
      .map(malformed -> {
        assertThat(malformed.status()).isEqualTo(400);
        return assertThat(malformed.json().getString("error")).startsWith("the body must be a JSON object");
      })
      .compose(checked -> adminA.exchange(HttpMethod.POST, "/admin/push", ADMIN, "{\"service\":\"x\"}"))
      .map(invalid -> {
        assertThat(invalid.status()).isEqualTo(400);
        return assertThat(invalid.json().getString("error")).contains("config_version must be a non-empty string");
      })
      .compose(checked -> Gateway.start(vertxA, new GatewayOptions().setPort(TestCluster.freePort())))
      .compose(closed -> {
        Http http = new Http(client, closed.port());
        return http.fetch("/admin/functions", ADMIN)
          .map(reply -> assertThat(reply.status()).isEqualTo(404))
          .eventually(http::shutdown)
          .eventually(closed::stop);
      })
      .onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("the nodes view and the public catalogue list what is live and callable")
  void nodesAndCatalogue(VertxTestContext test) {
    adminA.fetch("/admin/nodes", ADMIN)
      .map(nodes -> assertThat(nodes.array().stream().map(n -> ((JsonObject) n).getString("node")))
        .contains("inventory-1"))
      .compose(checked -> adminA.fetch("/api/functions", null))
      .onComplete(test.succeeding(reply -> test.verify(() -> {
        JsonArray functions = reply.json().getJsonArray("functions");
        assertThat(functions.stream().map(f -> ((JsonObject) f).getString("service") + "/" + ((JsonObject) f)
          .getString("request_type"))).contains("inventory/stock");
        test.completeNow();
      })));
  }

  @Test
  @DisplayName("when the cluster loses a service, its running node pushes it again")
  void nodeReRegisters(VertxTestContext test) {
    client.executeBlocking(() -> {
      HazelcastInstance hazelcast = ClusterSupport.hazelcast(vertxA);
      hazelcast.getMap(Addresses.FUNCTIONS_MAP).removeAll(e -> ((String) e.getKey()).startsWith("inventory/"));
      hazelcast.getMap(Addresses.SERVICES_MAP).delete("inventory");
      return null;
    }).compose(lost -> eventually(() -> callOn(gatewayA, "stock", "1.0.0"), a -> a.getBoolean("success")))
      .onComplete(test.succeeding(answer -> test.verify(() -> {
        assertThat(answer.getValue("result")).isEqualTo(1);
        test.completeNow();
      })));
  }

  @Test
  @DisplayName("a gateway that restarts is ready with the whole registry")
  void restartKeepsRegistry(VertxTestContext test) {
    Gateway.start(vertxB, options()).compose(restarted -> Future.succeededFuture(restarted.registry().size())
      .map(size -> assertThat(size).isEqualTo(gatewayB.registry().size()).isPositive())
      .eventually(restarted::stop))
      .onComplete(test.succeedingThenComplete());
  }

  private static Future<JsonObject> callOn(Gateway gateway, String requestType, String version) {
    JsonObject call = call("c", "inventory", requestType, new JsonObject());
    return WsClient.open(client, gateway.port(), null)
      .compose(ws -> ws.ask(version == null ? call : call.put("version", version)).eventually(ws::shutdown));
  }

  /** Observes until the observation matches, 10 s at most, as {@link #until} does. */
  private static Future<JsonObject> eventually(Supplier<Future<JsonObject>> observe, Predicate<JsonObject> done) {
    return until(observe, done, 10_000);
  }

  /**
   * Observes every 100 ms until the observation matches, as {@code Eventually.until} does.
   *
   * @return the first observation that matches, or the last one after about {@code timeoutMs}
   */
  private static <T> Future<T> until(Supplier<Future<T>> observe, Predicate<T> done, long timeoutMs) {
    return Eventually.until(client, observe, done, timeoutMs);
  }

  /** Runs the step for each item, each once the one before is done. */
  private static <T> Future<Void> oneAfterAnother(List<T> items, Function<T, Future<?>> step) {
    Future<?> chain = Future.succeededFuture();
    for (T item : items) {
      chain = chain.compose(previous -> step.apply(item));
    }
    return chain.mapEmpty();
  }

  /** @return the future's failure, or {@code null} when it succeeded */
  private static Future<Throwable> failure(Future<?> future) {
    return future.transform(outcome -> Future.succeededFuture(outcome.cause()));
  }

  private static FunConfig fun(String json) {
    return FunConfig.fromJson(new JsonObject(json.replace('\'', '"')).put("service", "inventory"));
  }
}
