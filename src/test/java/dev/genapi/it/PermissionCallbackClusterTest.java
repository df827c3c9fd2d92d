package dev.genapi.it;

import dev.genapi.api.FunConfig;
import dev.genapi.cluster.ClusterOptions;
import dev.genapi.demo.DemoService;
import dev.genapi.gateway.Gateway;
import dev.genapi.gateway.GatewayOptions;
import dev.genapi.node.ServiceNode;
import dev.genapi.node.ServiceNodeOptions;
import dev.genapi.testing.Eventually;
import dev.genapi.testing.Http;
import dev.genapi.testing.LogCapture;
import dev.genapi.testing.TestCluster;
import dev.genapi.testing.WsClient;
import io.vertx.core.Future;
import io.vertx.core.Promise;
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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

import static dev.genapi.testing.WsClient.call;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Permission callbacks across a cluster: a gateway, the demo node ({@code demo.guarded} asks {@code demo.can_call}),
 * and the node {@code gate-node} of service {@code gate}, whose callbacks count their calls by user_id and whose
 * guarded functions count their runs, so a test sees on the node side whether a callback was asked and whether a
 * denied call ever ran.
 */
@DisplayName("Permission callbacks: a registered function decides, over the cluster, who may call")
@ExtendWith(VertxExtension.class)
class PermissionCallbackClusterTest {

  private static final String ADMIN = "admin-secret";
  private static final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
  private static final Map<String, JsonObject> lastArgs = new ConcurrentHashMap<>();

  private static LogCapture log;
  private static Vertx gatewayVertx;
  private static Vertx demoVertx;
  private static Vertx gateVertx;
  private static Vertx clientVertx;
  private static Gateway gateway;

  @BeforeAll
  static void startCluster(VertxTestContext test) {
    log = LogCapture.install();
    ClusterOptions cluster = TestCluster.newCluster();
    clientVertx = Vertx.vertx();
    TestCluster.join(cluster).compose(first -> {
      gatewayVertx = first;
      return TestCluster.join(cluster);
    }).compose(second -> {
      demoVertx = second;
      return TestCluster.join(cluster);
    }).compose(third -> {
      gateVertx = third;
      return Gateway.start(gatewayVertx, new GatewayOptions().setPort(TestCluster.freePort()).setAdminToken(ADMIN));
    }).compose(started -> {
      gateway = started;
      return registered(DemoService.registerOn(
        ServiceNode.create(demoVertx, new ServiceNodeOptions().setName("demo-node")), demoVertx));
    }).compose(demo -> registered(registerGate(ServiceNode.create(gateVertx,
      new ServiceNodeOptions().setName("gate-node"))))).onComplete(test.succeedingThenComplete());
  }

  private static Future<Void> registered(ServiceNode node) {
    return node.start().compose(v -> node.registered()).mapEmpty();
  }

  private static ServiceNode registerGate(ServiceNode gate) {
    gate.register(fun("check", ""), call -> {
      lastArgs.put("check", call.args());
      String user = call.args().getString("user_id");
      counted("check/" + user);
      return Future.succeededFuture(user != null && user.startsWith("ok"));
    });
    gate.register(fun("slow_check", ",\"timeout\":300"), call -> {
      Promise<Object> late = Promise.promise();
      gateVertx.setTimer(2_000, id -> late.complete(true));
      return late.future();
    });
    gate.register(fun("yes_check", ""), call -> Future.succeededFuture("yes"));
    gate.register(fun("broken_check", ""), call -> {
      throw new IllegalStateException("the check is broken");
    });
    gate.register(fun("off_check", ""), call -> Future.succeededFuture(true));
    for (String[] guarded : List.of(new String[] {"cached", "check", ",\"permission_cache_ms\":60000"},
      new String[] {"uncached", "check", ""}, new String[] {"slow", "slow_check", ""},
      new String[] {"odd", "yes_check", ""}, new String[] {"broken", "broken_check", ""},
      new String[] {"off", "off_check", ""}, new String[] {"orphan", "nowhere", ""})) {
      String callback = ",\"permission_callback\":{\"service\":\"gate\",\"request_type\":\"" + guarded[1] + "\"}";
      gate.register(fun(guarded[0], callback + guarded[2]), call -> {
        counted(guarded[0]);
        return Future.succeededFuture(new JsonObject().put("ran", guarded[0]));
      });
    }
    return gate;
  }

  @AfterAll
  static void stopCluster(VertxTestContext test) {
    log.close();
    TestCluster.leave(clientVertx, gateVertx, demoVertx, gatewayVertx).onComplete(test.succeeding(closed ->
      test.verify(() -> {
        assertThat(log.stackTraces())
          .as("stack traces in the log besides the node's report of the check that throws")
          .allMatch(trace -> trace.startsWith("dev.genapi.node.ServiceNode: Call b-broken to gate/broken_check/"));
        test.completeNow();
      })));
  }

  @Test
  @DisplayName("demo.guarded runs for a caller demo.can_call approves and is PERMISSION_DENIED for one it refuses")
  void demoGuarded(VertxTestContext test) {
    overSocket(ws -> answer(ws, call("g1", "demo", "guarded", new JsonObject()).put("user_id", "ok-alice"))
      .map(allowed -> {
        assertThat(allowed.getBoolean("success")).as(allowed.encode()).isTrue();
        return assertThat(allowed.getJsonObject("result")).isEqualTo(new JsonObject().put("user_id", "ok-alice"));
      })
      .compose(checked -> oneAfterAnother(List.of(
        call("g2", "demo", "guarded", new JsonObject()).put("user_id", "mallory"),
        call("g3", "demo", "guarded", new JsonObject())), refused -> answer(ws, refused).map(answer -> {
          assertDenied(answer);
          return null;
        }))))
      .onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("the callback receives the caller (user_id, device_id, user_roles) and the call (service, "
    + "request_type, version, args)")
  void callbackReceivesCallerAndCall(VertxTestContext test) {
    JsonObject args = new JsonObject().put("item", 7);
    overSocket(ws -> answer(ws, call("a1", "gate", "uncached", args).put("user_id", "ok-args")
      .put("device_id", "phone").put("user_roles", new JsonArray().add("buyer"))))
      .onComplete(test.succeeding(allowed -> test.verify(() -> {
        assertThat(allowed.getJsonObject("result")).as(allowed.encode())
          .isEqualTo(new JsonObject().put("ran", "uncached"));
        assertThat(lastArgs.get("check")).isEqualTo(new JsonObject().put("user_id", "ok-args")
          .put("device_id", "phone").put("user_roles", new JsonArray().add("buyer")).put("service", "gate")
          .put("request_type", "uncached").put("version", "0.0.0").put("args", args));
        test.completeNow();
      })));
  }

  @Test
  @DisplayName("a callback slower than its own timeout denies the call, though it would have said true")
  void slowCallbackDenies(VertxTestContext test) {
    overSocket(ws -> answer(ws, call("s1", "gate", "slow", new JsonObject()).put("user_id", "ok-patient"))
      .map(answer -> {
        assertDenied(answer);
        return assertThat(count("slow")).as("runs of the guarded function").isZero();
      }))
      .onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("a callback that answers something else than a boolean, fails, or is not registered denies the call")
  void brokenCallbacksDeny(VertxTestContext test) {
    overSocket(ws -> oneAfterAnother(List.of("odd", "broken", "orphan"), guarded ->
      answer(ws, call("b-" + guarded, "gate", guarded, new JsonObject()).put("user_id", "ok-b")).map(answer -> {
        assertDenied(answer);
        return assertThat(count(guarded)).as("runs of %s", guarded).isZero();
      })))
      .onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("a callback disabled in the registry denies the calls it allowed while enabled")
  void disabledCallbackDenies(VertxTestContext test) {
    Http admin = new Http(clientVertx, gateway.port());
    AtomicInteger id = new AtomicInteger();
    overSocket(ws -> answer(ws, call("d1", "gate", "off", new JsonObject()).put("user_id", "ok-d"))
      .map(allowed -> assertThat(allowed.getBoolean("success")).as(allowed.encode()).isTrue())
      .compose(checked -> admin.exchange(HttpMethod.POST, "/admin/functions/gate/off_check/0.0.0/disable", ADMIN,
        null))
      .map(disabled -> assertThat(disabled.status()).isEqualTo(200))
      .compose(checked -> until(() -> answer(ws, call("d-" + id.incrementAndGet(), "gate", "off",
        new JsonObject()).put("user_id", "ok-d")), a -> !a.getBoolean("success"), 10_000)))
      .eventually(admin::shutdown)
      .onComplete(test.succeeding(denied -> test.verify(() -> {
        assertDenied(denied);
        test.completeNow();
      })));
  }

  /**
   * Observes every 100 ms until the observation matches, as {@code Eventually.until} does.
   *
   * @return the first observation that matches, or the last one after about {@code timeoutMs}
   */
  private static <T> Future<T> until(Supplier<Future<T>> observe, Predicate<T> done, long timeoutMs) {
    return Eventually.until(clientVertx, observe, done, timeoutMs);
  }

  @Test
  @DisplayName("with permission_cache_ms the callback is asked once per caller within the window; without, per call")
  void answersCachedPerCaller(VertxTestContext test) {
    overSocket(ws -> oneAfterAnother(List.of(1, 2), i -> threeCallers(ws, i))
      .map(called -> {
        assertThat(count("check/ok-cache")).as("callback calls for the allowed caller, cached").isEqualTo(1);
        assertThat(count("check/no-cache")).as("callback calls for the refused caller, cached").isEqualTo(1);
        assertThat(count("check/ok-every")).as("callback calls without a cache").isEqualTo(2);
        return assertThat(count("cached")).as("runs of the cached function: the allowed caller's two calls")
          .isEqualTo(2);
      })
      .compose(checked -> answer(ws, call("c3", "gate", "cached", new JsonObject()).put("user_id", "ok-cache")
        .put("device_id", "tablet")))
      .map(tablet -> {
        assertThat(tablet.getBoolean("success")).isTrue();
        return assertThat(count("check/ok-cache")).as("another device of the caller is another caller")
          .isEqualTo(2);
      }))
      .onComplete(test.succeedingThenComplete());
  }

  /** Round i: an allowed and a refused caller of the cached function, and an allowed caller of the uncached one. */
  private static Future<Void> threeCallers(WsClient ws, int i) {
    return answer(ws, call("c" + i, "gate", "cached", new JsonObject()).put("user_id", "ok-cache"))
      .map(allowed -> assertThat(allowed.getBoolean("success")).isTrue())
      .compose(checked -> answer(ws, call("n" + i, "gate", "cached", new JsonObject()).put("user_id", "no-cache")))
      .map(refused -> {
        assertDenied(refused);
        return null;
      })
      .compose(checked -> answer(ws, call("u" + i, "gate", "uncached", new JsonObject()).put("user_id", "ok-every")))
      .map(every -> {
        assertThat(every.getBoolean("success")).isTrue();
        return null;
      });
  }

  /** Opens a WebSocket, runs the steps over it, and closes it, answering what the steps answered. */
  private static <T> Future<T> overSocket(Function<WsClient, Future<T>> steps) {
    return WsClient.open(clientVertx, gateway.port(), null).compose(ws -> steps.apply(ws).eventually(ws::shutdown));
  }

  /** Runs the step for each item, each once the one before is done. */
  private static <T> Future<Void> oneAfterAnother(List<T> items, Function<T, Future<?>> step) {
    Future<?> chain = Future.succeededFuture();
    for (T item : items) {
      chain = chain.compose(previous -> step.apply(item));
    }
    return chain.mapEmpty();
  }

  private static Future<JsonObject> answer(WsClient ws, JsonObject call) {
    return ws.ask(call);
  }

  private static void assertDenied(JsonObject answer) {
    assertThat(answer.getString("code")).as(answer.encode()).isEqualTo("PERMISSION_DENIED");
    assertThat(answer.getString("error")).isEqualTo("Permission denied");
    assertThat(answer.getBoolean("can_retry")).isFalse();
  }

  private static void counted(String what) {
    counts.computeIfAbsent(what, k -> new AtomicInteger()).incrementAndGet();
  }

  private static int count(String what) {
    AtomicInteger count = counts.get(what);
    return count == null ? 0 : count.get();
  }

  private static FunConfig fun(String requestType, String extra) {
    return FunConfig.fromJson(new JsonObject("{\"service\":\"gate\",\"request_type\":\"" + requestType + "\""
      + extra + "}"));
  }
}
