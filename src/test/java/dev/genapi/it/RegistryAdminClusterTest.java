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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static dev.genapi.testing.TestCluster.await;
import static dev.genapi.testing.WsClient.call;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two gateways and a node in three clustered Vert.x instances: a registry they all share, changed through either
 * gateway's admin API or by pushes, with push tokens and failed configs.
 */
@DisplayName("A registry shared by two gateways, and its admin API")
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
  static void start() {
    ClusterOptions cluster = TestCluster.newCluster();
    vertxA = TestCluster.member(cluster);
    vertxB = TestCluster.member(cluster);
    nodeVertx = TestCluster.member(cluster);
    client = Vertx.vertx();
    gatewayA = await(Gateway.start(vertxA, options()));
    gatewayB = await(Gateway.start(vertxB, options()));
    node = ServiceNode.create(nodeVertx, new ServiceNodeOptions().setName("inventory-1").setPushToken(PUSH)
        .setVerifyIntervalMs(300))
      .register(fun("{'request_type':'stock','version':'1.0.0'}"), call -> Future.succeededFuture(1))
      .register(fun("{'request_type':'price'}"), call -> Future.succeededFuture(9.5));
    await(node.start());
    await(node.registered());
    adminA = new Http(client, gatewayA.port());
    adminB = new Http(client, gatewayB.port());
  }

  @AfterAll
  static void stop() {
    TestCluster.close(client, nodeVertx, vertxB, vertxA);
  }

  private static GatewayOptions options() {
    return new GatewayOptions().setPort(TestCluster.freePort()).setAdminToken(ADMIN)
      .setConfig(new ConfigOptions().setPushToken(PUSH));
  }

  @Test
  @DisplayName("a new version pushed by the node is served by both gateways at once")
  void pushReachesBothGateways() {
    node.register(fun("{'request_type':'stock','version':'2.0.0'}"), call -> Future.succeededFuture(2));
    assertThat(await(node.push(false)).getJsonObject("inventory").getString("status")).isEqualTo("accepted");
    for (Gateway gateway : List.of(gatewayA, gatewayB)) {
      assertThat(eventually(() -> callOn(gateway, "stock", "2.0.0"), a -> a.getBoolean("success")).getValue("result"))
        .isEqualTo(2);
    }
  }

  @Test
  @DisplayName("disable through gateway A makes gateway B answer DISABLED; enable restores; delete removes everywhere")
  void disableEnableDelete() {
    String path = "/admin/functions/inventory/stock/1.0.0";
    assertThat(adminA.send(HttpMethod.POST, path + "/disable", ADMIN, null).json().getString("status"))
      .isEqualTo("disabled");
    JsonObject disabled = eventually(() -> callOn(gatewayB, "stock", "1.0.0"), a -> "DISABLED".equals(a.getString("code")));
    assertThat(disabled.getString("error")).isEqualTo("disabled function: stock version 1.0.0");
    assertThat(adminB.get("/admin/functions", ADMIN).json().getJsonObject("inventory").getJsonArray("stock")
      .getJsonObject(0).getBoolean("disabled")).isTrue();

    assertThat(adminA.send(HttpMethod.POST, path + "/enable", ADMIN, null).status()).isEqualTo(200);
    assertThat(eventually(() -> callOn(gatewayB, "stock", "1.0.0"), a -> a.getBoolean("success")).getValue("result"))
      .isEqualTo(1);

    assertThat(adminA.send(HttpMethod.DELETE, "/admin/functions/inventory/price/0.0.0", ADMIN, null).status())
      .isEqualTo(200);
    for (Gateway gateway : List.of(gatewayA, gatewayB)) {
      assertThat(eventually(() -> callOn(gateway, "price", null), a -> "NOT_FOUND".equals(a.getString("code")))
        .getString("error")).isEqualTo("unsupported function: price version 0.0.0");
    }
    assertThat(adminA.send(HttpMethod.DELETE, "/admin/functions/inventory/price/0.0.0", ADMIN, null).status())
      .isEqualTo(404);
    assertThat(adminA.send(HttpMethod.POST, "/admin/functions/inventory/nope/1.0.0/disable", ADMIN, null).status())
      .isEqualTo(404);
  }

  @Test
  @DisplayName("a push with a bad token is refused; a partial push stores the valid function and lists the other")
  void pushTokenAndPartialPush() {
    ConfigService config = ConfigService.createProxy(nodeVertx);
    JsonArray funConfigs = new JsonArray()
      .add(new JsonObject().put("service", "ledger").put("request_type", "balance"))
      .add(new JsonObject().put("service", "ledger").put("request_type", "audit").put("timeout", 5));
    PushConfig push = new PushConfig().setService("ledger").setConfigVersion("1").setNodes(List.of("inventory-1"))
      .setFunConfigs(funConfigs);
    Throwable refused = config.push(push.setPushToken("wrong"), false).toCompletionStage().toCompletableFuture()
      .handle((ok, e) -> e).join();
    assertThat(refused).hasMessageContaining("invalid push token");

    JsonObject answer = await(config.push(push.setPushToken(PUSH), false));
    assertThat(answer.getJsonArray("accepted")).containsExactly("ledger/balance/0.0.0");
    assertThat(answer.getJsonArray("rejected").getJsonObject(0).getString("request_type")).isEqualTo("audit");
    JsonArray failed = adminB.get("/admin/failed-configs?service=ledger", ADMIN).array();
    assertThat(failed).hasSize(1);
    JsonObject entry = failed.getJsonObject(0);
    assertThat(entry.getString("request_type")).isEqualTo("audit");
    assertThat(entry.getString("source")).isEqualTo("push");
    assertThat(entry.getString("node")).isEqualTo("inventory-1");
    assertThat(entry.getJsonArray("reasons")).containsExactly("timeout must be an integer between 100 and 300000");
    assertThat(adminB.get("/admin/services", ADMIN).array().stream().map(s -> ((JsonObject) s).getString("service")))
      .contains("ledger", "inventory");
  }

  @Test
  @DisplayName("failed configs expire after 24 h, are summed up by service and source, and cleared cluster-wide")
  void failedConfigsSummaryAndClear() {
    ConfigService config = ConfigService.createProxy(nodeVertx);
    PushConfig push = new PushConfig().setService("audit-log").setConfigVersion("1").setNodes(List.of("inventory-1"))
      .setPushToken(PUSH).setFunConfigs(new JsonArray()
        .add(new JsonObject().put("service", "audit-log").put("request_type", "write"))
        .add(new JsonObject().put("service", "audit-log").put("request_type", "bad").put("timeout", 1))
        .add(new JsonObject().put("service", "audit-log").put("request_type", "worse").put("timeout", 2)));
    await(config.push(push, true));
    JsonObject summary = adminB.get("/admin/failed-configs/summary", ADMIN).json();
    assertThat(summary.getJsonObject("by_service").getLong("audit-log")).isEqualTo(2L);
    assertThat(summary.getJsonObject("by_source").getLong("push")).isGreaterThanOrEqualTo(2L);
    assertThat(summary.getInteger("total")).isGreaterThanOrEqualTo(2);
    IMap<String, String> failed = ClusterSupport.hazelcast(vertxA).getMap(Addresses.FAILED_MAP);
    assertThat(failed.keySet()).allSatisfy(id -> assertThat(failed.getEntryView(id).getTtl())
      .as("a failed config expires after 24 h").isEqualTo(TimeUnit.HOURS.toMillis(24)));

    assertThat(adminA.send(HttpMethod.DELETE, "/admin/failed-configs", ADMIN, null).json().getString("status"))
      .isEqualTo("cleared");
    assertThat(adminB.get("/admin/failed-configs", ADMIN).array()).isEmpty();
    assertThat(adminB.get("/admin/failed-configs/summary", ADMIN).json()).isEqualTo(new JsonObject().put("total", 0)
      .put("by_service", new JsonObject()).put("by_source", new JsonObject()));
    assertThat(adminB.send(HttpMethod.DELETE, "/admin/failed-configs", null, null).status()).isEqualTo(401);
  }

  @Test
  @DisplayName("admin routes need the token, answer 404 when none is configured, and 400 for a malformed body")
  void adminAuthorization() {
    Http.Reply noToken = adminA.get("/admin/functions", null);
    assertThat(noToken.status()).isEqualTo(401);
    assertThat(noToken.header("WWW-Authenticate")).isEqualTo("Bearer");
    assertThat(adminA.get("/admin/functions", "guess").status()).isEqualTo(401);
    Http.Reply malformed = adminA.send(HttpMethod.POST, "/admin/push", ADMIN, "{broken");
    assertThat(malformed.status()).isEqualTo(400);
    assertThat(malformed.json().getString("error")).startsWith("the body must be a JSON object");
    Http.Reply invalid = adminA.send(HttpMethod.POST, "/admin/push", ADMIN, "{\"service\":\"x\"}");
    assertThat(invalid.status()).isEqualTo(400);
    assertThat(invalid.json().getString("error")).contains("config_version must be a non-empty string");

    Gateway closed = await(Gateway.start(vertxA, new GatewayOptions().setPort(TestCluster.freePort())));
    try {
      assertThat(new Http(client, closed.port()).get("/admin/functions", ADMIN).status()).isEqualTo(404);
    } finally {
      await(closed.stop());
    }
  }

  @Test
  @DisplayName("the nodes view and the public catalogue list what is live and callable")
  void nodesAndCatalogue() {
    JsonArray nodes = adminA.get("/admin/nodes", ADMIN).array();
    assertThat(nodes.stream().map(n -> ((JsonObject) n).getString("node"))).contains("inventory-1");
    JsonArray functions = adminA.get("/api/functions", null).json().getJsonArray("functions");
    assertThat(functions.stream().map(f -> ((JsonObject) f).getString("service") + "/" + ((JsonObject) f)
      .getString("request_type"))).contains("inventory/stock");
  }

  @Test
  @DisplayName("when the cluster loses a service, its running node pushes it again")
  void nodeReRegisters() {
    HazelcastInstance hazelcast = ClusterSupport.hazelcast(vertxA);
    hazelcast.getMap(Addresses.FUNCTIONS_MAP).removeAll(e -> ((String) e.getKey()).startsWith("inventory/"));
    hazelcast.getMap(Addresses.SERVICES_MAP).delete("inventory");
    assertThat(eventually(() -> callOn(gatewayA, "stock", "1.0.0"), a -> a.getBoolean("success")).getValue("result"))
      .isEqualTo(1);
  }

  @Test
  @DisplayName("a gateway that restarts is ready with the whole registry")
  void restartKeepsRegistry() {
    Gateway restarted = await(Gateway.start(vertxB, options()));
    try {
      assertThat(restarted.registry().size()).isEqualTo(gatewayB.registry().size()).isPositive();
    } finally {
      await(restarted.stop());
    }
  }

  private JsonObject callOn(Gateway gateway, String requestType, String version) {
    try (WsClient ws = WsClient.connect(client, gateway.port())) {
      JsonObject call = call("c", "inventory", requestType, new JsonObject());
      ws.send(version == null ? call : call.put("version", version));
      return ws.next();
    }
  }

  private static JsonObject eventually(Supplier<JsonObject> call, java.util.function.Predicate<JsonObject> done) {
    return Eventually.until(call, done, 10_000);
  }

  private static FunConfig fun(String json) {
    return FunConfig.fromJson(new JsonObject(json.replace('\'', '"')).put("service", "inventory"));
  }
}
