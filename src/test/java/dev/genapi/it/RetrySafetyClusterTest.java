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

import static dev.genapi.testing.WsClient.call;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which failures a gateway retries, counted where the functions run: a gateway, the node {@code b-real} that runs
 * every function of service {@code pay} and counts each run, the node {@code a-old} that serves {@code pay} without
 * those functions (it refuses them), and {@code a-ghost}, a current lease of a node that consumes nothing (its
 * process froze before it subscribed): calls to it cannot be written.
 */
@DisplayName("Retry safety: no second run after an ambiguous failure; repeats answered once")
@ExtendWith(VertxExtension.class)
class RetrySafetyClusterTest {

  private static final String RETRY = "\"retry\":{\"mode\":\"all_nodes\",\"count\":2}";
  private static final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();

  private static Vertx gatewayVertx;
  private static Vertx realVertx;
  private static Vertx oldVertx;
  private static Vertx clientVertx;
  private static Gateway gateway;

  @BeforeAll
  static void startCluster(VertxTestContext test) {
    ClusterOptions cluster = TestCluster.newCluster();
    clientVertx = Vertx.vertx();
    TestCluster.join(cluster).compose(first -> {
      gatewayVertx = first;
      return TestCluster.join(cluster);
    }).compose(second -> {
      realVertx = second;
      return TestCluster.join(cluster);
    }).compose(third -> {
      oldVertx = third;
      return Gateway.start(gatewayVertx, new GatewayOptions().setPort(TestCluster.freePort()));
    }).compose(started -> {
      gateway = started;
      ServiceNode real = realNode();
      return real.start().compose(v -> real.registered());
    }).compose(registered -> ServiceNode.create(oldVertx, new ServiceNodeOptions().setName("a-old")
        .setPushOnStart(false))
      .register(fun("ping", "\"nodes\":[\"a-old\"]"), call -> Future.succeededFuture("pong")).start())
      .compose(v -> live("a-old"))
      .onComplete(test.succeedingThenComplete());
  }

  /** b-real: every function of pay, each run counted; the _hang ones never answer, "once" answers after 800 ms. */
  private static ServiceNode realNode() {
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
    return real.register(fun("once", "\"nodes\":[\"b-real\"]"), call -> {
      int run = counted("once", call.requestId());
      Promise<Object> answer = Promise.promise();
      realVertx.setTimer(800, id -> answer.complete(new JsonObject().put("run", run)));
      return answer.future();
    });
  }

  @AfterAll
  static void stopCluster(VertxTestContext test) {
    TestCluster.leave(clientVertx, oldVertx, realVertx, gatewayVertx).onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("a call that timed out on its node is not sent again unless the function is idempotent")
  void timeoutRetriesOnlyIdempotent(VertxTestContext test) {
    WsClient.open(clientVertx, gateway.port(), null).compose(ws -> ws.ask(call("t1", "pay", "charge_hang",
        new JsonObject()).put("user_id", "u1"))
      .map(answer -> {
        assertThat(answer.getString("code")).isEqualTo("TIMEOUT");
        return assertThat(runs("charge_hang", "t1")).as("runs of a function that is not idempotent").isEqualTo(1);
      })
      .compose(v -> ws.ask(call("t2", "pay", "lookup_hang", new JsonObject()).put("user_id", "u1")))
      .map(answer -> {
        assertThat(answer.getString("code")).isEqualTo("TIMEOUT");
        return assertThat(runs("lookup_hang", "t2")).as("runs of an idempotent function: the call and two retries")
          .isEqualTo(3);
      })
      .eventually(ws::shutdown))
      .onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("a call that could not be written to its node goes to the next node, whatever the function")
  void neverWrittenRetriesBoth(VertxTestContext test) {
    WsClient.open(clientVertx, gateway.port(), null).compose(ws -> eachInTurn(
        List.of("charge_fallback", "lookup_fallback"), function -> haunt().compose(v -> runsOnceOnSuccess(ws,
          "w-", function)))
      .eventually(ws::shutdown))
      .onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("a call its node refused before starting it is retried on another node, whatever the function")
  void refusedRetriesBoth(VertxTestContext test) {
    WsClient.open(clientVertx, gateway.port(), null).compose(ws -> eachInTurn(
        List.of("charge_refused", "lookup_refused"), function -> runsOnceOnSuccess(ws, "x-", function))
      .eventually(ws::shutdown))
      .onComplete(test.succeedingThenComplete());
  }

  /** Calls the function under request_id prefix + function: answered with success after exactly one run. */
  private static Future<Void> runsOnceOnSuccess(WsClient ws, String prefix, String function) {
    return ws.ask(call(prefix + function, "pay", function, new JsonObject())).map(answer -> {
      assertThat(answer.getBoolean("success")).as(answer.encode()).isTrue();
      assertThat(runs(function, prefix + function)).as(function).isEqualTo(1);
      return null;
    });
  }

  @Test
  @DisplayName("the same request_id from the same caller, while running or just after, runs once and both get the "
    + "answer; another caller, another device or other args run it again")
  void repeatsRunOnce(VertxTestContext test) {
    JsonObject args = new JsonObject().put("item", 7);
    JsonObject repeat = call("r1", "pay", "once", args).put("user_id", "u1").put("device_id", "d1");
    WsClient.open(clientVertx, gateway.port(), null).compose(first -> WsClient.open(clientVertx, gateway.port(), null)
      .compose(again -> first.write(repeat)
        .compose(v -> Eventually.poll(clientVertx, () -> runs("once", "r1") == 1, 5_000,
          () -> "runs of r1: " + runs("once", "r1")))
        .compose(v -> again.write(repeat))
        .compose(v -> first.frame()).map(answer -> run(answer, 1, "the first call"))
        .compose(v -> again.frame()).map(answer -> run(answer, 1, "the repeat while running"))
        .compose(v -> again.ask(repeat)).map(answer -> run(answer, 1, "the repeat just after"))
        .map(v -> assertThat(runs("once", "r1")).isEqualTo(1))
        .compose(v -> again.ask(call("r1", "pay", "once", args).put("user_id", "u2").put("device_id", "d1")))
        .map(answer -> run(answer, 2, "another user"))
        .compose(v -> again.ask(call("r1", "pay", "once", args).put("user_id", "u1").put("device_id", "d2")))
        .map(answer -> run(answer, 3, "another device"))
        .compose(v -> again.ask(call("r1", "pay", "once", args.copy().put("item", 8)).put("user_id", "u1")
          .put("device_id", "d1")))
        .map(answer -> run(answer, 4, "other args"))
        .compose(v -> again.ask(call("r1", "pay", "once", args)))
        .map(answer -> run(answer, 5, "no user_id: no caller to match"))
        .eventually(again::shutdown))
      .eventually(first::shutdown))
      .onComplete(test.succeedingThenComplete());
  }

  private static Void run(JsonObject answer, int run, String what) {
    assertThat(answer.getJsonObject("result")).as(what).isEqualTo(new JsonObject().put("run", run));
    return null;
  }

  /** Writes the lease of a node that consumes nothing, and waits until the gateway counts it live. */
  private static Future<Void> haunt() {
    IMap<String, String> leases = ClusterSupport.hazelcast(oldVertx).getMap(Addresses.NODES_MAP);
    String member = ClusterSupport.hazelcast(oldVertx).getCluster().getLocalMember().getUuid().toString();
    return Future.fromCompletionStage(leases.setAsync("a-ghost", new JsonObject().put("node", "a-ghost")
        .put("member", member).put("services", new JsonArray().add("pay"))
        .put("started_at", System.currentTimeMillis()).encode()), clientVertx.getOrCreateContext())
      .compose(v -> live("a-ghost"));
  }

  private static Future<Void> live(String node) {
    return Eventually.poll(clientVertx, () -> gateway.nodes().isLive(node), 10_000, () -> node + " never went live");
  }

  private static <T> Future<Void> eachInTurn(List<T> items, Function<T, Future<Void>> step) {
    Future<Void> chain = Future.succeededFuture();
    for (T item : items) {
      chain = chain.compose(v -> step.apply(item));
    }
    return chain;
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
