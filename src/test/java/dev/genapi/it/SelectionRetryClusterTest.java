package dev.genapi.it;

import dev.genapi.api.FunConfig;
import dev.genapi.cluster.ClusterOptions;
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
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

import static dev.genapi.testing.WsClient.call;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gateway and three service nodes, each in its own clustered Vert.x instance: node selection across real nodes,
 * and retry when a node dies in the middle of a run.
 */
@DisplayName("Selection and retry across three nodes")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
// four cluster members join one after the other in @BeforeAll: 15 to 20 s on a loaded 2-core machine
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
@ExtendWith(VertxExtension.class)
class SelectionRetryClusterTest {

  private static final List<String> NODES = List.of("pick-a", "pick-b", "pick-c");

  private static Vertx gatewayVertx;
  private static final Map<String, Vertx> nodeVertx = new ConcurrentHashMap<>();
  private static final Map<String, AtomicInteger> workStarted = new ConcurrentHashMap<>();
  private static Vertx clientVertx;
  private static Gateway gateway;

  @BeforeAll
  static void startCluster(VertxTestContext test) {
    ClusterOptions cluster = TestCluster.newCluster();
    clientVertx = Vertx.vertx();
    TestCluster.join(cluster).compose(member -> {
      gatewayVertx = member;
      return Gateway.start(gatewayVertx, new GatewayOptions().setPort(TestCluster.freePort()));
    }).compose(started -> {
      gateway = started;
      return inTurn(NODES.size(), i -> TestCluster.join(cluster).compose(vertx -> startNode(NODES.get(i), vertx)));
    }).compose(v -> live(3)).onComplete(test.succeedingThenComplete());
  }

  private static Future<Void> startNode(String name, Vertx vertx) {
    nodeVertx.put(name, vertx);
    ServiceNode node = ServiceNode.create(vertx, new ServiceNodeOptions().setName(name))
      .register(fun("rr", "\"choose_node_mode\":\"round_robin\""), call -> Future.succeededFuture(name))
      .register(fun("hashed", "\"choose_node_mode\":{\"mode\":\"hash\",\"key\":\"k\"}"), call -> Future.succeededFuture(name))
      .register(fun("sticky", "\"choose_node_mode\":{\"mode\":\"sticky\",\"key\":\"user_id\"}"),
        call -> Future.succeededFuture(name))
      .register(fun("work", "\"retry\":{\"mode\":\"all_nodes\",\"count\":3},\"timeout\":2000,"
        + "\"idempotent\":true"), call -> {
        workStarted.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
        Promise<Object> done = Promise.promise();
        vertx.setTimer(300, id -> done.complete(name));
        return done.future();
      });
    return node.start().compose(v -> node.registered()).mapEmpty();
  }

  @AfterAll
  static void stopCluster(VertxTestContext test) {
    List<Vertx> all = new ArrayList<>(nodeVertx.values());
    all.add(0, clientVertx);
    all.add(gatewayVertx);
    TestCluster.leave(all.toArray(Vertx[]::new)).onComplete(test.succeedingThenComplete());
  }

  @Test
  @Order(1)
  @DisplayName("round_robin spreads calls evenly over the three nodes")
  void roundRobin(VertxTestContext test) {
    Map<String, Integer> counts = new HashMap<>();
    WsClient.open(clientVertx, gateway.port(), null).compose(ws -> inTurn(30, i -> ws.ask(call("rr" + i, "pick", "rr",
        new JsonObject())).map(answer -> counts.merge(answer.getString("result"), 1, Integer::sum)))
      .eventually(ws::shutdown))
      .onComplete(test.succeeding(v -> test.verify(() -> {
        assertThat(counts).containsOnly(Map.entry("pick-a", 10), Map.entry("pick-b", 10), Map.entry("pick-c", 10));
        test.completeNow();
      })));
  }

  @Test
  @Order(2)
  @DisplayName("hash keeps a key on one node and spreads different keys")
  void hash(VertxTestContext test) {
    Set<String> sameKey = new HashSet<>();
    Set<String> keys = new HashSet<>();
    WsClient.open(clientVertx, gateway.port(), null).compose(ws -> inTurn(30, i -> ws.ask(call("h" + i, "pick",
        "hashed", new JsonObject().put("k", "order-42"))).map(answer -> sameKey.add(answer.getString("result")))
        .compose(v -> ws.ask(call("d" + i, "pick", "hashed", new JsonObject().put("k", "order-" + i))))
        .map(answer -> keys.add(answer.getString("result"))))
      .eventually(ws::shutdown))
      .onComplete(test.succeeding(v -> test.verify(() -> {
        assertThat(sameKey).hasSize(1);
        assertThat(keys).hasSizeGreaterThan(1);
        test.completeNow();
      })));
  }

  @Test
  @Order(3)
  @DisplayName("sticky keeps each user on one node")
  void sticky(VertxTestContext test) {
    List<String> users = List.of("alice", "bob", "carol");
    WsClient.open(clientVertx, gateway.port(), null).compose(ws -> inTurn(users.size(), u -> {
      String user = users.get(u);
      Set<String> served = new HashSet<>();
      return inTurn(10, i -> ws.ask(call(user + i, "pick", "sticky", new JsonObject()).put("user_id", user))
          .map(answer -> served.add(answer.getString("result"))))
        .map(v -> assertThat(served).as(user).hasSize(1));
    }).eventually(ws::shutdown))
      .onComplete(test.succeedingThenComplete());
  }

  @Test
  @Order(4)
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS) // 80 calls of 300 ms, each retried on timeouts of 2 s
  @DisplayName("with retry all_nodes every call of an idempotent function succeeds when a node is killed mid-run")
  void retryWhenANodeDies(VertxTestContext test) {
    WsClient.open(clientVertx, gateway.port(), null).compose(ws -> Future.all(java.util.stream.IntStream.range(0, 60)
        .mapToObj(i -> ws.write(call("w" + i, "pick", "work", new JsonObject()))).toList())
      .compose(written -> Eventually.poll(clientVertx, () -> workStarted.getOrDefault("pick-c", new AtomicInteger()).get() > 0,
          1000, () -> "no call started on pick-c")
        .otherwiseEmpty()) // as before: the assertion below is what is checked
      .compose(v -> {
        assertThat(workStarted.get("pick-c")).as("calls running on pick-c when it is killed").isNotNull();
        assertThat(workStarted.get("pick-c").get()).as("calls running on pick-c when it is killed").isPositive();
        nodeVertx.remove("pick-c").close(); // killed while its calls run, not waited for
        return ws.frames(60, 30_000);
      })
      .map(SelectionRetryClusterTest::allSucceeded)
      .compose(v -> inTurn(20, i -> ws.write(call("after" + i, "pick", "work", new JsonObject()))
        .compose(written -> ws.frame(30_000))
        .map(answer -> {
          assertThat(answer.getBoolean("success")).isTrue();
          return assertThat(answer.getString("result")).isNotEqualTo("pick-c");
        })))
      .eventually(ws::shutdown))
      .onComplete(test.succeedingThenComplete());
  }

  private static Void allSucceeded(List<JsonObject> frames) {
    Map<String, JsonObject> answers = new HashMap<>();
    for (JsonObject answer : frames) {
      answers.put(answer.getString("request_id"), answer);
    }
    assertThat(answers).hasSize(60);
    assertThat(answers.values()).allSatisfy(answer -> assertThat(answer.getBoolean("success")).as(answer.encode())
      .isTrue());
    return null;
  }

  private static FunConfig fun(String requestType, String extra) {
    return FunConfig.fromJson(new JsonObject("{\"service\":\"pick\",\"request_type\":\"" + requestType + "\"," + extra + "}"));
  }

  /** Waits up to 10 s for that many nodes serving work, then checks there are exactly that many. */
  private static Future<Void> live(int count) {
    FunConfig work = fun("work", "\"timeout\":2000");
    return Eventually.poll(clientVertx, () -> gateway.nodes().serving(work).size() >= count, 10_000,
        () -> "nodes serving work: " + gateway.nodes().serving(work))
      .map(v -> {
        assertThat(gateway.nodes().serving(work)).hasSize(count);
        return null;
      });
  }

  /** Runs step 0, then step 1 once it is done, …, up to step times - 1. */
  private static Future<Void> inTurn(int times, IntFunction<Future<?>> step) {
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < times; i++) {
      int index = i;
      chain = chain.compose(v -> step.apply(index)).mapEmpty();
    }
    return chain;
  }
}
