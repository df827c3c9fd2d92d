package dev.genapi.it;

import com.hazelcast.map.IMap;
import dev.genapi.api.FunConfig;
import dev.genapi.cluster.Addresses;
import dev.genapi.cluster.ClusterOptions;
import dev.genapi.cluster.ClusterSupport;
import dev.genapi.gateway.Gateway;
import dev.genapi.gateway.GatewayOptions;
import dev.genapi.node.ServiceNode;
import dev.genapi.node.ServiceNodeOptions;
import dev.genapi.testing.Eventually;
import dev.genapi.testing.TestCluster;
import dev.genapi.testing.WsClient;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
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
 * Which failures a gateway retries, counted where the functions run: a gateway, the node {@code b-real} that runs
 * every function of service {@code pay} and counts each run, the node {@code a-old} that serves {@code pay} without
 * those functions (it refuses them), and {@code a-ghost}, a current lease of a node that consumes nothing (its
 * process froze before it subscribed): calls to it cannot be written.
 */
@DisplayName("Retry safety: no second run after an ambiguous failure; repeats answered once")
class RetrySafetyClusterTest {

  private static final String RETRY = "\"retry\":{\"mode\":\"all_nodes\",\"count\":2}";
  private static final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();

  private static Vertx gatewayVertx;
  private static Vertx realVertx;
  private static Vertx oldVertx;
  private static Vertx clientVertx;
  private static Gateway gateway;

  @BeforeAll
  static void startCluster() {
    ClusterOptions cluster = TestCluster.newCluster();
    gatewayVertx = TestCluster.member(cluster);
    realVertx = TestCluster.member(cluster);
    oldVertx = TestCluster.member(cluster);
    clientVertx = Vertx.vertx();
    gateway = await(Gateway.start(gatewayVertx, new GatewayOptions().setPort(TestCluster.freePort())));
    ServiceNode real = ServiceNode.create(realVertx, new ServiceNodeOptions().setName("b-real"));
    for (String kind : List.of("charge", "lookup")) {
      String idempotent = ",\"idempotent\":" + kind.equals("lookup");
      real.register(fun(kind + "_hang", "\"nodes\":[\"b-real\"],\"timeout\":300," + RETRY + idempotent), call -> {
        counted(call.requestType(), call.requestId());
        return Promise.promise().future();
      });
      real.register(fun(kind + "_fallback", "\"nodes\":[\"a-ghost\",\"b-real\"],\"choose_node_mode\":\"round_robin\","
        + RETRY + idempotent), call -> Future.succeededFuture(counted(call.requestType(), call.requestId())));
      real.register(fun(kind + "_refused", "\"nodes\":[\"a-old\",\"b-real\"],\"choose_node_mode\":\"round_robin\","
        + RETRY + idempotent), call -> Future.succeededFuture(counted(call.requestType(), call.requestId())));
    }
    real.register(fun("once", "\"nodes\":[\"b-real\"]"), call -> {
      int run = counted("once", call.requestId());
      Promise<Object> answer = Promise.promise();
      realVertx.setTimer(800, id -> answer.complete(new JsonObject().put("run", run)));
      return answer.future();
    });
    await(real.start());
    await(real.registered());
    ServiceNode old = ServiceNode.create(oldVertx, new ServiceNodeOptions().setName("a-old").setPushOnStart(false))
      .register(fun("ping", "\"nodes\":[\"a-old\"]"), call -> Future.succeededFuture("pong"));
    await(old.start());
    assertThat(Eventually.until(() -> gateway.nodes().isLive("a-old"), live -> live, 10_000)).isTrue();
  }

  @AfterAll
  static void stopCluster() {
    TestCluster.close(clientVertx, oldVertx, realVertx, gatewayVertx);
  }

  @Test
  @DisplayName("a call that timed out on its node is not sent again unless the function is idempotent")
  void timeoutRetriesOnlyIdempotent() {
    try (WsClient ws = WsClient.connect(clientVertx, gateway.port())) {
      ws.send(call("t1", "pay", "charge_hang", new JsonObject()).put("user_id", "u1"));
      assertThat(ws.next().getString("code")).isEqualTo("TIMEOUT");
      assertThat(runs("charge_hang", "t1")).as("runs of a function that is not idempotent").isEqualTo(1);

      ws.send(call("t2", "pay", "lookup_hang", new JsonObject()).put("user_id", "u1"));
      assertThat(ws.next().getString("code")).isEqualTo("TIMEOUT");
      assertThat(runs("lookup_hang", "t2")).as("runs of an idempotent function: the call and two retries")
        .isEqualTo(3);
    }
  }

  @Test
  @DisplayName("a call that could not be written to its node goes to the next node, whatever the function")
  void neverWrittenRetriesBoth() {
    try (WsClient ws = WsClient.connect(clientVertx, gateway.port())) {
      for (String function : List.of("charge_fallback", "lookup_fallback")) {
        haunt();
        ws.send(call("w-" + function, "pay", function, new JsonObject()));
        JsonObject answer = ws.next();
        assertThat(answer.getBoolean("success")).as(answer.encode()).isTrue();
        assertThat(runs(function, "w-" + function)).as(function).isEqualTo(1);
      }
    }
  }

  @Test
  @DisplayName("a call its node refused before starting it is retried on another node, whatever the function")
  void refusedRetriesBoth() {
    try (WsClient ws = WsClient.connect(clientVertx, gateway.port())) {
      for (String function : List.of("charge_refused", "lookup_refused")) {
        ws.send(call("x-" + function, "pay", function, new JsonObject()));
        JsonObject answer = ws.next();
        assertThat(answer.getBoolean("success")).as(answer.encode()).isTrue();
        assertThat(runs(function, "x-" + function)).as(function).isEqualTo(1);
      }
    }
  }

  @Test
  @DisplayName("the same request_id from the same caller, while running or just after, runs once and both get the "
    + "answer; another caller, another device or other args run it again")
  void repeatsRunOnce() {
    JsonObject args = new JsonObject().put("item", 7);
    try (WsClient first = WsClient.connect(clientVertx, gateway.port());
         WsClient again = WsClient.connect(clientVertx, gateway.port())) {
      first.send(call("r1", "pay", "once", args).put("user_id", "u1").put("device_id", "d1"));
      assertThat(Eventually.until(() -> runs("once", "r1"), n -> n == 1, 5_000)).isEqualTo(1);
      again.send(call("r1", "pay", "once", args).put("user_id", "u1").put("device_id", "d1"));
      assertThat(first.next().getJsonObject("result")).isEqualTo(new JsonObject().put("run", 1));
      assertThat(again.next().getJsonObject("result")).as("the repeat while running")
        .isEqualTo(new JsonObject().put("run", 1));

      again.send(call("r1", "pay", "once", args).put("user_id", "u1").put("device_id", "d1"));
      assertThat(again.next().getJsonObject("result")).as("the repeat just after")
        .isEqualTo(new JsonObject().put("run", 1));
      assertThat(runs("once", "r1")).isEqualTo(1);

      again.send(call("r1", "pay", "once", args).put("user_id", "u2").put("device_id", "d1"));
      assertThat(again.next().getJsonObject("result")).as("another user").isEqualTo(new JsonObject().put("run", 2));
      again.send(call("r1", "pay", "once", args).put("user_id", "u1").put("device_id", "d2"));
      assertThat(again.next().getJsonObject("result")).as("another device").isEqualTo(new JsonObject().put("run", 3));
      again.send(call("r1", "pay", "once", args.copy().put("item", 8)).put("user_id", "u1").put("device_id", "d1"));
      assertThat(again.next().getJsonObject("result")).as("other args").isEqualTo(new JsonObject().put("run", 4));
      again.send(call("r1", "pay", "once", args));
      assertThat(again.next().getJsonObject("result")).as("no user_id: no caller to match")
        .isEqualTo(new JsonObject().put("run", 5));
    }
  }

  /** Writes the lease of a node that consumes nothing, and waits until the gateway counts it live. */
  private static void haunt() {
    IMap<String, String> leases = ClusterSupport.hazelcast(oldVertx).getMap(Addresses.NODES_MAP);
    String member = ClusterSupport.hazelcast(oldVertx).getCluster().getLocalMember().getUuid().toString();
    leases.set("a-ghost", new JsonObject().put("node", "a-ghost").put("member", member)
      .put("services", new JsonArray().add("pay")).put("started_at", System.currentTimeMillis()).encode());
    assertThat(Eventually.until(() -> gateway.nodes().isLive("a-ghost"), live -> live, 10_000)).isTrue();
  }

  private static int counted(String function, String requestId) {
    return runs.computeIfAbsent(function + "/" + requestId, k -> new AtomicInteger()).incrementAndGet();
  }

  private static int runs(String function, String requestId) {
    AtomicInteger count = runs.get(function + "/" + requestId);
    return count == null ? 0 : count.get();
  }

  private static FunConfig fun(String requestType, String extra) {
    return FunConfig.fromJson(new JsonObject("{\"service\":\"pay\",\"request_type\":\"" + requestType + "\","
      + extra + "}"));
  }
}
