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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.genapi.testing.TestCluster.await;
import static dev.genapi.testing.WsClient.call;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Permission callbacks across a cluster: a gateway, the demo node ({@code demo.guarded} asks {@code demo.can_call}),
 * and the node {@code gate-node} of service {@code gate}, whose callbacks count their calls by user_id and whose
 * guarded functions count their runs, so a test sees on the node side whether a callback was asked and whether a
 * denied call ever ran.
 */
@DisplayName("Permission callbacks: a registered function decides, over the cluster, who may call")
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
  static void startCluster() {
    log = LogCapture.install();
    ClusterOptions cluster = TestCluster.newCluster();
    gatewayVertx = TestCluster.member(cluster);
    demoVertx = TestCluster.member(cluster);
    gateVertx = TestCluster.member(cluster);
    clientVertx = Vertx.vertx();
    gateway = await(Gateway.start(gatewayVertx, new GatewayOptions().setPort(TestCluster.freePort())
      .setAdminToken(ADMIN)));
    ServiceNode demo = DemoService.registerOn(
      ServiceNode.create(demoVertx, new ServiceNodeOptions().setName("demo-node")), demoVertx);
    await(demo.start());
    await(demo.registered());
    ServiceNode gate = registerGate(ServiceNode.create(gateVertx, new ServiceNodeOptions().setName("gate-node")));
    await(gate.start());
    await(gate.registered());
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
  static void stopCluster() {
    log.close();
    TestCluster.close(clientVertx, gateVertx, demoVertx, gatewayVertx);
    assertThat(log.stackTraces()).as("stack traces in the log besides the node's report of the check that throws")
      .allMatch(trace -> trace.startsWith("dev.genapi.node.ServiceNode: Call b-broken to gate/broken_check/"));
  }

  @Test
  @DisplayName("demo.guarded runs for a caller demo.can_call approves and is PERMISSION_DENIED for one it refuses")
  void demoGuarded() {
    try (WsClient ws = WsClient.connect(clientVertx, gateway.port())) {
      JsonObject allowed = answer(ws, call("g1", "demo", "guarded", new JsonObject()).put("user_id", "ok-alice"));
      assertThat(allowed.getBoolean("success")).as(allowed.encode()).isTrue();
      assertThat(allowed.getJsonObject("result")).isEqualTo(new JsonObject().put("user_id", "ok-alice"));

      for (JsonObject refused : List.of(call("g2", "demo", "guarded", new JsonObject()).put("user_id", "mallory"),
        call("g3", "demo", "guarded", new JsonObject()))) {
        assertDenied(answer(ws, refused));
      }
    }
  }

  @Test
  @DisplayName("the callback receives the caller (user_id, device_id, user_roles) and the call (service, "
    + "request_type, version, args)")
  void callbackReceivesCallerAndCall() {
    try (WsClient ws = WsClient.connect(clientVertx, gateway.port())) {
      JsonObject args = new JsonObject().put("item", 7);
      JsonObject allowed = answer(ws, call("a1", "gate", "uncached", args).put("user_id", "ok-args")
        .put("device_id", "phone").put("user_roles", new JsonArray().add("buyer")));
      assertThat(allowed.getJsonObject("result")).as(allowed.encode()).isEqualTo(new JsonObject().put("ran", "uncached"));
      assertThat(lastArgs.get("check")).isEqualTo(new JsonObject().put("user_id", "ok-args").put("device_id", "phone")
        .put("user_roles", new JsonArray().add("buyer")).put("service", "gate").put("request_type", "uncached")
        .put("version", "0.0.0").put("args", args));
    }
  }

  @Test
  @DisplayName("a callback slower than its own timeout denies the call, though it would have said true")
  void slowCallbackDenies() {
    try (WsClient ws = WsClient.connect(clientVertx, gateway.port())) {
      assertDenied(answer(ws, call("s1", "gate", "slow", new JsonObject()).put("user_id", "ok-patient")));
      assertThat(count("slow")).as("runs of the guarded function").isZero();
    }
  }

  @Test
  @DisplayName("a callback that answers something else than a boolean, fails, or is not registered denies the call")
  void brokenCallbacksDeny() {
    try (WsClient ws = WsClient.connect(clientVertx, gateway.port())) {
      for (String guarded : List.of("odd", "broken", "orphan")) {
        assertDenied(answer(ws, call("b-" + guarded, "gate", guarded, new JsonObject()).put("user_id", "ok-b")));
        assertThat(count(guarded)).as("runs of %s", guarded).isZero();
      }
    }
  }

  @Test
  @DisplayName("a callback disabled in the registry denies the calls it allowed while enabled")
  void disabledCallbackDenies() {
    try (WsClient ws = WsClient.connect(clientVertx, gateway.port());
         Http admin = new Http(clientVertx, gateway.port())) {
      JsonObject allowed = answer(ws, call("d1", "gate", "off", new JsonObject()).put("user_id", "ok-d"));
      assertThat(allowed.getBoolean("success")).as(allowed.encode()).isTrue();
      assertThat(admin.send(HttpMethod.POST, "/admin/functions/gate/off_check/0.0.0/disable", ADMIN, null).status())
        .isEqualTo(200);
      AtomicInteger id = new AtomicInteger();
      JsonObject denied = Eventually.until(() -> answer(ws, call("d-" + id.incrementAndGet(), "gate", "off",
        new JsonObject()).put("user_id", "ok-d")), a -> !a.getBoolean("success"), 10_000);
      assertDenied(denied);
    }
  }

  @Test
  @DisplayName("with permission_cache_ms the callback is asked once per caller within the window; without, per call")
  void answersCachedPerCaller() {
    try (WsClient ws = WsClient.connect(clientVertx, gateway.port())) {
      for (int i = 1; i <= 2; i++) {
        assertThat(answer(ws, call("c" + i, "gate", "cached", new JsonObject()).put("user_id", "ok-cache"))
          .getBoolean("success")).isTrue();
        assertDenied(answer(ws, call("n" + i, "gate", "cached", new JsonObject()).put("user_id", "no-cache")));
        assertThat(answer(ws, call("u" + i, "gate", "uncached", new JsonObject()).put("user_id", "ok-every"))
          .getBoolean("success")).isTrue();
      }
      assertThat(count("check/ok-cache")).as("callback calls for the allowed caller, cached").isEqualTo(1);
      assertThat(count("check/no-cache")).as("callback calls for the refused caller, cached").isEqualTo(1);
      assertThat(count("check/ok-every")).as("callback calls without a cache").isEqualTo(2);
      assertThat(count("cached")).as("runs of the cached function: the allowed caller's two calls").isEqualTo(2);

      assertThat(answer(ws, call("c3", "gate", "cached", new JsonObject()).put("user_id", "ok-cache")
        .put("device_id", "tablet")).getBoolean("success")).isTrue();
      assertThat(count("check/ok-cache")).as("another device of the caller is another caller").isEqualTo(2);
    }
  }

  private static JsonObject answer(WsClient ws, JsonObject call) {
    ws.send(call);
    return ws.next();
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
