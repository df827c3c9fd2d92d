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
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

import static dev.genapi.testing.WsClient.call;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gateway, a member with two service nodes ({@code vault}, pushed; {@code ledger}, pulled), each with its own push
 * token, and an outsider that joined Hazelcast with nothing but the cluster name and Hazelcast's own API: what the
 * outsider writes into the maps, and what a writer without the service's token asks over the bus, is never served.
 */
@DisplayName("Registry writes are authorised")
@ExtendWith(VertxExtension.class)
class RegistryTrustClusterTest {

  private static final String ADMIN = "admin-secret";
  private static final long RESYNC_MS = 1000;
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
  static void start(VertxTestContext test) {
    Metrics.addRegistry(METERS);
    log = LogCapture.install();
    ClusterOptions cluster = TestCluster.newCluster().setResyncIntervalMs(RESYNC_MS);
    client = Vertx.vertx();
    ConfigOptions config = new ConfigOptions().setPushToken(DEFAULT_TOKEN)
      .setPushTokens(Map.of("vault", VAULT_TOKEN, "ledger", LEDGER_TOKEN)).setFirstPullMs(100).setPullIntervalMs(500)
      .setServiceConfigs(new JsonArray().add(new JsonObject().put("service", "ledger")
        .put("nodes", new JsonArray().add("ledger-fake").add("ledger-1")).put("version_check", false)));
    TestCluster.join(cluster).compose(first -> {
      gatewayVertx = first;
      return TestCluster.join(cluster);
    }).compose(second -> {
      nodeVertx = second;
      return Gateway.start(gatewayVertx, new GatewayOptions().setPort(TestCluster.freePort())
        .setAdminToken(ADMIN).setConfig(config));
    }).compose(started -> {
      gateway = started;
      return forgerAnswersPulls();
    }).compose(forging -> {
      vault = ServiceNode.create(nodeVertx, new ServiceNodeOptions().setName("vault-1")
          .setPushToken(VAULT_TOKEN).setVerifyIntervalMs(300))
        .register(fun("vault", "{'request_type':'secret','check_permission':{'mode':'role','roles':['admin']}}"),
          call -> Future.succeededFuture("the secret"));
      ledger = ServiceNode.create(nodeVertx, new ServiceNodeOptions().setName("ledger-1")
          .setPushToken(LEDGER_TOKEN).setPushOnStart(false))
        .register(fun("ledger", "{'request_type':'balance'}"), call -> Future.succeededFuture(42));
      return vault.start().compose(v -> vault.registered()).compose(v -> ledger.start());
    }).compose(nodes -> client.executeBlocking(() -> Hazelcast.newHazelcastInstance(
      ClusterSupport.hazelcastConfig(cluster)))).map(joined -> {
        outsider = joined;
        admin = new Http(client, gateway.port());
        return joined;
      }).onComplete(test.succeedingThenComplete());
  }

  /** A forger on the bus answers pulls at the first node the gateway asks, without the ledger's token. */
  private static Future<Void> forgerAnswersPulls() {
    return nodeVertx.eventBus().consumer(Addresses.node("ledger-fake"), message -> message.reply(new JsonObject()
      .put("service", "ledger").put("config_version", "forged").put("nodes", new JsonArray().add("ledger-fake"))
      .put("fun_configs", new JsonArray().add(fun("ledger", "{'request_type':'forged'}").toJson())).toBuffer()))
      .completion();
  }

  @AfterAll
  static void stop(VertxTestContext test) {
    // rooted on no context: a chain bound to the client's context would never hear that the client closed
    Future.<Void>succeededFuture().compose(start -> outsider == null ? Future.succeededFuture()
        : client.executeBlocking(() -> {
          outsider.shutdown();
          return null;
        }))
      .compose(gone -> Future.join(vault.stop(), ledger.stop()))
      .eventually(() -> TestCluster.leave(client, nodeVertx, gatewayVertx))
      .andThen(closed -> {
        Metrics.removeRegistry(METERS);
        log.close();
      })
      .onComplete(test.succeeding(closed -> test.verify(() -> {
        assertThat(log.events()).as("log lines").isNotEmpty().allSatisfy(event -> assertThat(event.getFormattedMessage()
            + (event.getThrowableProxy() == null ? "" : event.getThrowableProxy().getMessage()))
          .doesNotContain(ADMIN, DEFAULT_TOKEN, VAULT_TOKEN, LEDGER_TOKEN));
        test.completeNow();
      })));
  }

  @Test
  @DisplayName("entries an outsider writes into the map are not served, show in failed-configs and are restored")
  void outsiderEntriesNotServed(VertxTestContext test) {
    secretAs("user")
      .map(answer -> assertThat(answer.getString("code")).isEqualTo("PERMISSION_DENIED"))
      .compose(checked -> {
        double before = rejected("functions");
        return outsiderForgesFunctions().compose(forged -> forgeriesRejected(before));
      })
      .compose(rejected -> secretRestored())
      .onComplete(test.succeedingThenComplete());
  }

  /** Plain JSON, a seal under another service's token, and a valid seal moved to another key (off the event loops). */
  private static Future<Void> outsiderForgesFunctions() {
    return client.executeBlocking(() -> {
      IMap<String, String> functions = outsider.getMap(Addresses.FUNCTIONS_MAP);
      String stored = functions.get(SECRET_KEY);
      String forged = fun("vault", "{'request_type':'secret'}").toJson().encode();
      functions.put("vault/open/0.0.0", Seal.of(DEFAULT_TOKEN).seal(Addresses.FUNCTIONS_MAP, "vault/open/0.0.0",
        fun("vault", "{'request_type':'open'}").toJson().encode()));
      functions.put("vault/copy/0.0.0", stored);
      functions.put(SECRET_KEY, forged);
      return null;
    });
  }

  /** Each forged entry shows in failed-configs with its reason, is counted, and is not in the registry. */
  private static Future<Void> forgeriesRejected(double before) {
    return until(() -> failedEntry(SECRET_KEY), entry -> entry != null, 10_000).map(failed -> {
      assertThat(failed.getJsonArray("reasons").getString(0)).startsWith("not written by an authorised writer");
      return assertThat(failed.getJsonObject("config").getValue("check_permission")).isEqualTo(false);
    }).compose(checked -> until(() -> failedEntry("vault/copy/0.0.0"), entry -> entry != null, 10_000))
      .map(copy -> assertThat(copy.getJsonArray("reasons").getString(0))
        .isEqualTo("stored under the key of another function"))
      .compose(checked -> until(() -> failedEntry("vault/open/0.0.0"), entry -> entry != null, 10_000))
      .map(open -> {
        assertThat(open).isNotNull();
        assertThat(rejected("functions")).isGreaterThanOrEqualTo(before + 3);
        assertThat(gateway.registry().all().stream().map(FunConfig::key)).doesNotContain("vault/open/0.0.0",
          "vault/copy/0.0.0");
        return null;
      });
  }

  /** The node's verify sees its function damaged and pushes it again; at no time is the secret served to a user. */
  private static Future<Void> secretRestored() {
    return until(() -> secretAs("user"),
      answer -> answer.getBoolean("success") || "PERMISSION_DENIED".equals(answer.getString("code")), 10_000)
      .map(restored -> assertThat(restored.getString("code")).isEqualTo("PERMISSION_DENIED"))
      .compose(checked -> secretAs("admin"))
      .map(asAdmin -> {
        assertThat(asAdmin.getString("result")).isEqualTo("the secret");
        return null;
      });
  }

  @Test
  @DisplayName("a push with another service's token, or the default token for a service with its own, is refused")
  void pushNeedsTheServicesToken(VertxTestContext test) {
    ConfigService config = ConfigService.createProxy(nodeVertx);
    PushConfig push = new PushConfig().setService("vault").setConfigVersion("evil").setNodes(List.of("vault-1"))
      .setFunConfigs(new JsonArray().add(fun("vault", "{'request_type':'secret'}").toJson()));
    PushConfig other = new PushConfig().setService("shop").setConfigVersion("1").setNodes(List.of("shop-1"))
      .setFunConfigs(new JsonArray().add(fun("shop", "{'request_type':'cart'}").toJson()));
    oneAfterAnother(Arrays.asList(LEDGER_TOKEN, DEFAULT_TOKEN, null), token ->
      failure(config.push(push.setPushToken(token), true))
        .map(refused -> assertThat(refused).as("token %s", token).isEqualTo("invalid push token")))
      .compose(checked -> failure(config.push(other.setPushToken(VAULT_TOKEN), false)))
      .map(refused -> assertThat(refused).isEqualTo("invalid push token"))
      .compose(checked -> config.push(other.setPushToken(DEFAULT_TOKEN), false))
      .map(accepted -> assertThat(accepted.getString("status")).isEqualTo("accepted"))
      .compose(checked -> secretAs("user"))
      .onComplete(test.succeeding(answer -> test.verify(() -> {
        assertThat(answer.getString("code")).isEqualTo("PERMISSION_DENIED");
        test.completeNow();
      })));
  }

  @Test
  @DisplayName("disable, enable, delete and verify over the bus need the service's token")
  void busOperationsNeedTheToken(VertxTestContext test) {
    ConfigService config = ConfigService.createProxy(nodeVertx);
    oneAfterAnother(Arrays.asList(null, LEDGER_TOKEN), token -> refusedWith(config, token))
      .compose(checked -> secretAs("admin"))
      .map(answer -> assertThat(answer.getBoolean("success")).isTrue())
      .compose(checked -> config.setDisabled("vault", "secret", "0.0.0", true, VAULT_TOKEN))
      .map(disabled -> assertThat(disabled.getString("status")).isEqualTo("disabled"))
      .compose(checked -> until(() -> secretAs("admin"), a -> "DISABLED".equals(a.getString("code")), 10_000))
      .map(answer -> assertThat(answer.getString("code")).as("a call while disabled").isEqualTo("DISABLED"))
      .compose(checked -> config.setDisabled("vault", "secret", "0.0.0", false, VAULT_TOKEN))
      .map(enabled -> assertThat(enabled.getString("status")).isEqualTo("enabled"))
      .compose(checked -> until(() -> secretAs("admin"), a -> a.getBoolean("success"), 10_000))
      .onComplete(test.succeeding(answer -> test.verify(() -> {
        assertThat(answer.getBoolean("success")).as("a call once enabled again").isTrue();
        test.completeNow();
      })));
  }

  /** Disabling, deleting and verifying the vault's function with that token are each refused. */
  private static Future<Void> refusedWith(ConfigService config, String token) {
    return failure(config.setDisabled("vault", "secret", "0.0.0", true, token))
      .map(refused -> assertThat(refused).isEqualTo("invalid push token"))
      .compose(checked -> failure(config.delete("vault", "secret", "0.0.0", token)))
      .map(refused -> assertThat(refused).isEqualTo("invalid push token"))
      .compose(checked -> failure(config.verify("vault", "x", token)))
      .map(refused -> {
        assertThat(refused).isEqualTo("invalid push token");
        return null;
      });
  }

  @Test
  @DisplayName("a pull answer without the service's seal is not stored; the sealed one from the next node is")
  void pullAnswersMustBeSealed(VertxTestContext test) {
    until(() -> Future.succeededFuture(gateway.registry().all().stream().map(FunConfig::key).toList()),
      keys -> keys.contains("ledger/balance/0.0.0"), 10_000)
      .map(keys -> assertThat(keys).doesNotContain("ledger/forged/0.0.0"))
      .compose(checked -> WsClient.open(client, gateway.port(), null))
      .compose(ws -> ws.ask(call("b", "ledger", "balance", new JsonObject())).eventually(ws::shutdown))
      .onComplete(test.succeeding(answer -> test.verify(() -> {
        assertThat(answer.getValue("result")).isEqualTo(42);
        test.completeNow();
      })));
  }

  @Test
  @DisplayName("rate limits an outsider writes into the settings map are not applied")
  void outsiderRateLimitsIgnored(VertxTestContext test) {
    RateLimitOptions limits = new RateLimitOptions(new JsonObject().put("enabled", true).put("global_limits",
      new JsonArray().add(new JsonObject().put("key", "user_id").put("max_requests", 1000).put("window_ms", 60_000))));
    admin.exchange(HttpMethod.PUT, "/admin/rate-limits", ADMIN, limits.toJson().encode())
      .map(put -> assertThat(put.status()).isEqualTo(200))
      .compose(checked -> until(() -> Future.succeededFuture(gateway.rateLimiter().options().toJson()),
        json -> json.equals(limits.toJson()), 10_000))
      .compose(applied -> {
        double before = rejected("settings");
        return client.executeBlocking(() -> outsider.getMap(Addresses.SETTINGS_MAP).put("rate_limits",
            new JsonObject().put("enabled", false).encode()))
          .compose(written -> until(() -> Future.succeededFuture(rejected("settings")), n -> n > before, 10_000))
          .map(rejected -> assertThat(rejected).isGreaterThan(before));
      })
      .onComplete(test.succeeding(checked -> test.verify(() -> {
        assertThat(gateway.rateLimiter().options().toJson()).isEqualTo(limits.toJson());
        test.completeNow();
      })));
  }

  @Test
  @DisplayName("rate limits an outsider deletes from the settings map stay in force, and no read counts as a forgery")
  void outsiderDeletesRateLimits(VertxTestContext test) {
    RateLimitOptions before = gateway.rateLimiter().options();
    double rejected = rejected("settings");
    client.executeBlocking(() -> outsider.getMap(Addresses.SETTINGS_MAP).remove("rate_limits"))
      // the gateway reads the map again every RESYNC_MS
      .compose(removed -> Future.future(wait -> client.setTimer(3 * RESYNC_MS, id -> wait.complete())))
      .onComplete(test.succeeding(waited -> test.verify(() -> {
        assertThat(gateway.rateLimiter().options().toJson()).isEqualTo(before.toJson());
        assertThat(rejected("settings")).as("settings entries refused").isEqualTo(rejected);
        test.completeNow();
      })));
  }

  private static Future<JsonObject> secretAs(String role) {
    return WsClient.open(client, gateway.port(), null).compose(ws -> ws.ask(call("s", "vault", "secret",
      new JsonObject()).put("user_id", "u1").put("user_roles", new JsonArray().add(role))).eventually(ws::shutdown));
  }

  /** @return the failed config kept for that registry key, or {@code null} */
  private static Future<JsonObject> failedEntry(String key) {
    return admin.fetch("/admin/failed-configs?source=registry", ADMIN).map(reply -> reply.array().stream()
      .map(JsonObject.class::cast).filter(entry -> entry.getString("id").startsWith("registry:" + key + ":"))
      .findFirst().orElse(null));
  }

  private static double rejected(String map) {
    Counter counter = METERS.find("genapi.registry.rejected").tag("map", map).counter();
    return counter == null ? 0 : counter.count();
  }

  /** @return the message the future failed with, or {@code null} when it succeeded */
  private static Future<String> failure(Future<?> future) {
    return future.transform(outcome -> Future.succeededFuture(outcome.failed() ? outcome.cause().getMessage() : null));
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

  private static FunConfig fun(String service, String json) {
    return FunConfig.fromJson(new JsonObject(json.replace('\'', '"')).put("service", service));
  }
}
