package dev.genapi.it;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.genapi.api.FunConfig;
import dev.genapi.cluster.Addresses;
import dev.genapi.cluster.ClusterOptions;
import dev.genapi.cluster.ClusterSupport;
import dev.genapi.cluster.Seal;
import dev.genapi.config.ConfigOptions;
import dev.genapi.config.ConfigService;
import dev.genapi.config.PushConfig;
import dev.genapi.gateway.Gateway;
import dev.genapi.gateway.GatewayOptions;
import dev.genapi.node.ServiceNode;
import dev.genapi.node.ServiceNodeOptions;
import dev.genapi.ratelimit.RateLimitOptions;
import dev.genapi.testing.Eventually;
import dev.genapi.testing.Http;
import dev.genapi.testing.LogCapture;
import dev.genapi.testing.TestCluster;
import dev.genapi.testing.WsClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
import java.util.Map;

import static dev.genapi.testing.TestCluster.await;
import static dev.genapi.testing.WsClient.call;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gateway, a member with two service nodes ({@code vault}, pushed; {@code ledger}, pulled), each with its own push
 * token, and an outsider that joined Hazelcast with nothing but the cluster name and Hazelcast's own API: what the
 * outsider writes into the maps, and what a writer without the service's token asks over the bus, is never served.
 */
@DisplayName("Registry writes are authorised")
class RegistryTrustClusterTest {

  private static final String ADMIN = "admin-secret";
  private static final String DEFAULT_TOKEN = "default-push-secret";
  private static final String VAULT_TOKEN = "vault-push-secret";
  private static final String LEDGER_TOKEN = "ledger-push-secret";
  private static final String SECRET_KEY = "vault/secret/0.0.0";

  private static Vertx gatewayVertx;
  private static Vertx nodeVertx;
  private static Vertx client;
  private static HazelcastInstance outsider;
  private static Gateway gateway;
  private static ServiceNode vault;
  private static ServiceNode ledger;
  private static Http admin;
  private static final SimpleMeterRegistry METERS = new SimpleMeterRegistry();
  private static LogCapture log;

  @BeforeAll
  static void start() {
    Metrics.addRegistry(METERS);
    log = LogCapture.install();
    ClusterOptions cluster = TestCluster.newCluster();
    gatewayVertx = TestCluster.member(cluster);
    nodeVertx = TestCluster.member(cluster);
    client = Vertx.vertx();
    ConfigOptions config = new ConfigOptions().setPushToken(DEFAULT_TOKEN)
      .setPushTokens(Map.of("vault", VAULT_TOKEN, "ledger", LEDGER_TOKEN)).setFirstPullMs(100).setPullIntervalMs(500)
      .setServiceConfigs(new JsonArray().add(new JsonObject().put("service", "ledger")
        .put("nodes", new JsonArray().add("ledger-fake").add("ledger-1")).put("version_check", false)));
    gateway = await(Gateway.start(gatewayVertx, new GatewayOptions().setPort(TestCluster.freePort())
      .setAdminToken(ADMIN).setConfig(config)));
    // a forger on the bus answers pulls at the first node the gateway asks, without the ledger's token
    await(nodeVertx.eventBus().consumer(Addresses.node("ledger-fake"), message -> message.reply(new JsonObject()
      .put("service", "ledger").put("config_version", "forged").put("nodes", new JsonArray().add("ledger-fake"))
      .put("fun_configs", new JsonArray().add(fun("ledger", "{'request_type':'forged'}").toJson())).toBuffer()))
      .completion());
    vault = ServiceNode.create(nodeVertx, new ServiceNodeOptions().setName("vault-1")
        .setPushToken(VAULT_TOKEN).setVerifyIntervalMs(300))
      .register(fun("vault", "{'request_type':'secret','check_permission':{'mode':'role','roles':['admin']}}"),
        call -> Future.succeededFuture("the secret"));
    ledger = ServiceNode.create(nodeVertx, new ServiceNodeOptions().setName("ledger-1")
        .setPushToken(LEDGER_TOKEN).setPushOnStart(false))
      .register(fun("ledger", "{'request_type':'balance'}"), call -> Future.succeededFuture(42));
    await(vault.start().compose(v -> vault.registered()).compose(v -> ledger.start()));
    outsider = Hazelcast.newHazelcastInstance(ClusterSupport.hazelcastConfig(cluster));
    admin = new Http(client, gateway.port());
  }

  @AfterAll
  static void stop() {
    if (outsider != null) {
      outsider.shutdown();
    }
    await(Future.join(vault.stop(), ledger.stop()));
    TestCluster.close(client, nodeVertx, gatewayVertx);
    Metrics.removeRegistry(METERS);
    log.close();
    assertThat(log.events()).as("log lines").isNotEmpty().allSatisfy(event -> assertThat(event.getFormattedMessage()
        + (event.getThrowableProxy() == null ? "" : event.getThrowableProxy().getMessage()))
      .doesNotContain(ADMIN, DEFAULT_TOKEN, VAULT_TOKEN, LEDGER_TOKEN));
  }

  @Test
  @DisplayName("entries an outsider writes into the map are not served, show in failed-configs and are restored")
  void outsiderEntriesNotServed() {
    assertThat(secretAs("user").getString("code")).isEqualTo("PERMISSION_DENIED");
    double before = rejected("functions");
    IMap<String, String> functions = outsider.getMap(Addresses.FUNCTIONS_MAP);
    String stored = functions.get(SECRET_KEY);
    String forged = fun("vault", "{'request_type':'secret'}").toJson().encode();
    // plain JSON, a seal under another service's token, and a valid seal moved to another key
    functions.put("vault/open/0.0.0", Seal.of(DEFAULT_TOKEN).seal(Addresses.FUNCTIONS_MAP, "vault/open/0.0.0",
      fun("vault", "{'request_type':'open'}").toJson().encode()));
    functions.put("vault/copy/0.0.0", stored);
    functions.put(SECRET_KEY, forged);

    JsonObject failed = Eventually.until(() -> failedEntry(SECRET_KEY), entry -> entry != null, 10_000);
    assertThat(failed.getJsonArray("reasons").getString(0)).startsWith("not written by an authorised writer");
    assertThat(failed.getJsonObject("config").getValue("check_permission")).isEqualTo(false);
    assertThat(Eventually.until(() -> failedEntry("vault/copy/0.0.0"), entry -> entry != null, 10_000)
      .getJsonArray("reasons").getString(0)).isEqualTo("stored under the key of another function");
    assertThat(Eventually.until(() -> failedEntry("vault/open/0.0.0"), entry -> entry != null, 10_000)).isNotNull();
    assertThat(rejected("functions")).isGreaterThanOrEqualTo(before + 3);
    assertThat(gateway.registry().all().stream().map(FunConfig::key)).doesNotContain("vault/open/0.0.0",
      "vault/copy/0.0.0");

    // the node's verify sees its function damaged and pushes it again; at no time is the secret served to a user
    JsonObject restored = Eventually.until(() -> secretAs("user"),
      answer -> answer.getBoolean("success") || "PERMISSION_DENIED".equals(answer.getString("code")), 10_000);
    assertThat(restored.getString("code")).isEqualTo("PERMISSION_DENIED");
    assertThat(secretAs("admin").getString("result")).isEqualTo("the secret");
  }

  @Test
  @DisplayName("a push with another service's token, or the default token for a service with its own, is refused")
  void pushNeedsTheServicesToken() {
    ConfigService config = ConfigService.createProxy(nodeVertx);
    PushConfig push = new PushConfig().setService("vault").setConfigVersion("evil").setNodes(List.of("vault-1"))
      .setFunConfigs(new JsonArray().add(fun("vault", "{'request_type':'secret'}").toJson()));
    for (String token : new String[] {LEDGER_TOKEN, DEFAULT_TOKEN, null}) {
      assertThat(failure(config.push(push.setPushToken(token), true))).as("token %s", token)
        .isEqualTo("invalid push token");
    }
    PushConfig other = new PushConfig().setService("shop").setConfigVersion("1").setNodes(List.of("shop-1"))
      .setFunConfigs(new JsonArray().add(fun("shop", "{'request_type':'cart'}").toJson()));
    assertThat(failure(config.push(other.setPushToken(VAULT_TOKEN), false))).isEqualTo("invalid push token");
    assertThat(await(config.push(other.setPushToken(DEFAULT_TOKEN), false)).getString("status")).isEqualTo("accepted");
    assertThat(secretAs("user").getString("code")).isEqualTo("PERMISSION_DENIED");
  }

  @Test
  @DisplayName("disable, enable, delete and verify over the bus need the service's token")
  void busOperationsNeedTheToken() {
    ConfigService config = ConfigService.createProxy(nodeVertx);
    for (String token : new String[] {null, LEDGER_TOKEN}) {
      assertThat(failure(config.setDisabled("vault", "secret", "0.0.0", true, token))).isEqualTo("invalid push token");
      assertThat(failure(config.delete("vault", "secret", "0.0.0", token))).isEqualTo("invalid push token");
      assertThat(failure(config.verify("vault", "x", token))).isEqualTo("invalid push token");
    }
    assertThat(secretAs("admin").getBoolean("success")).isTrue();
    assertThat(await(config.setDisabled("vault", "secret", "0.0.0", true, VAULT_TOKEN)).getString("status"))
      .isEqualTo("disabled");
    assertThat(Eventually.until(() -> secretAs("admin"), a -> "DISABLED".equals(a.getString("code")), 10_000))
      .isNotNull();
    assertThat(await(config.setDisabled("vault", "secret", "0.0.0", false, VAULT_TOKEN)).getString("status"))
      .isEqualTo("enabled");
    assertThat(Eventually.until(() -> secretAs("admin"), a -> a.getBoolean("success"), 10_000)).isNotNull();
  }

  @Test
  @DisplayName("a pull answer without the service's seal is not stored; the sealed one from the next node is")
  void pullAnswersMustBeSealed() {
    assertThat(Eventually.until(() -> gateway.registry().all().stream().map(FunConfig::key).toList(),
      keys -> keys.contains("ledger/balance/0.0.0"), 10_000)).doesNotContain("ledger/forged/0.0.0");
    try (WsClient ws = WsClient.connect(client, gateway.port())) {
      ws.send(call("b", "ledger", "balance", new JsonObject()));
      assertThat(ws.next().getValue("result")).isEqualTo(42);
    }
  }

  @Test
  @DisplayName("rate limits an outsider writes into the settings map are not applied")
  void outsiderRateLimitsIgnored() {
    RateLimitOptions limits = new RateLimitOptions(new JsonObject().put("enabled", true).put("global_limits",
      new JsonArray().add(new JsonObject().put("key", "user_id").put("max_requests", 1000).put("window_ms", 60_000))));
    assertThat(admin.send(HttpMethod.PUT, "/admin/rate-limits", ADMIN, limits.toJson().encode())
      .status()).isEqualTo(200);
    Eventually.until(() -> gateway.rateLimiter().options().toJson(), json -> json.equals(limits.toJson()), 10_000);
    double before = rejected("settings");
    outsider.getMap(Addresses.SETTINGS_MAP).put("rate_limits", new JsonObject().put("enabled", false).encode());
    assertThat(Eventually.until(() -> rejected("settings"), n -> n > before, 10_000)).isGreaterThan(before);
    assertThat(gateway.rateLimiter().options().toJson()).isEqualTo(limits.toJson());
  }

  private static JsonObject secretAs(String role) {
    try (WsClient ws = WsClient.connect(client, gateway.port())) {
      ws.send(call("s", "vault", "secret", new JsonObject()).put("user_id", "u1")
        .put("user_roles", new JsonArray().add(role)));
      return ws.next();
    }
  }

  private static JsonObject failedEntry(String key) {
    return admin.get("/admin/failed-configs?source=registry", ADMIN).array().stream().map(JsonObject.class::cast)
      .filter(entry -> entry.getString("id").startsWith("registry:" + key + ":")).findFirst().orElse(null);
  }

  private static double rejected(String map) {
    Counter counter = METERS.find("genapi.registry.rejected").tag("map", map).counter();
    return counter == null ? 0 : counter.count();
  }

  private static String failure(Future<?> future) {
    Throwable cause = future.toCompletionStage().toCompletableFuture().handle((ok, e) -> e).join();
    return cause == null ? null : cause.getMessage();
  }

  private static FunConfig fun(String service, String json) {
    return FunConfig.fromJson(new JsonObject(json.replace('\'', '"')).put("service", service));
  }
}
