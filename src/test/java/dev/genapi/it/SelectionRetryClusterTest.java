package dev.genapi.it;

import dev.genapi.api.FunConfig;
import dev.genapi.cluster.ClusterOptions;
import dev.genapi.gateway.Gateway;
import dev.genapi.gateway.GatewayOptions;
import dev.genapi.node.ServiceNode;
import dev.genapi.node.ServiceNodeOptions;
import dev.genapi.testing.TestCluster;
import dev.genapi.testing.WsClient;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.genapi.testing.TestCluster.await;
import static dev.genapi.testing.WsClient.call;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gateway and three service nodes, each in its own clustered Vert.x instance: node selection across real nodes,
 * and retry when a node dies in the middle of a run.
 */
@DisplayName("Selection and retry across three nodes")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SelectionRetryClusterTest {

  private static final List<String> NODES = List.of("pick-a", "pick-b", "pick-c");

  private static Vertx gatewayVertx;
  private static final Map<String, Vertx> nodeVertx = new HashMap<>();
  private static final Map<String, AtomicInteger> workStarted = new ConcurrentHashMap<>();
  private static Vertx clientVertx;
  private static Gateway gateway;

  @BeforeAll
  static void startCluster() {
    ClusterOptions cluster = TestCluster.newCluster();
    gatewayVertx = TestCluster.member(cluster);
    clientVertx = Vertx.vertx();
    gateway = await(Gateway.start(gatewayVertx, new GatewayOptions().setPort(TestCluster.freePort())));
    for (String name : NODES) {
      Vertx vertx = TestCluster.member(cluster);
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
      await(node.start());
      await(node.registered());
    }
    awaitLive(3);
  }

  @AfterAll
  static void stopCluster() {
    TestCluster.close(clientVertx);
    nodeVertx.values().forEach(TestCluster::close);
    TestCluster.close(gatewayVertx);
  }

  @Test
  @Order(1)
  @DisplayName("round_robin spreads calls evenly over the three nodes")
  void roundRobin() {
    try (WsClient ws = WsClient.connect(clientVertx, gateway.port())) {
      Map<String, Integer> counts = new HashMap<>();
      for (int i = 0; i < 30; i++) {
        ws.send(call("rr" + i, "pick", "rr", new JsonObject()));
        counts.merge(ws.next().getString("result"), 1, Integer::sum);
      }
      assertThat(counts).containsOnly(Map.entry("pick-a", 10), Map.entry("pick-b", 10), Map.entry("pick-c", 10));
    }
  }

  @Test
  @Order(2)
  @DisplayName("hash keeps a key on one node and spreads different keys")
  void hash() {
    try (WsClient ws = WsClient.connect(clientVertx, gateway.port())) {
      Set<String> sameKey = new HashSet<>();
      Set<String> keys = new HashSet<>();
      for (int i = 0; i < 30; i++) {
        ws.send(call("h" + i, "pick", "hashed", new JsonObject().put("k", "order-42")));
        sameKey.add(ws.next().getString("result"));
        ws.send(call("d" + i, "pick", "hashed", new JsonObject().put("k", "order-" + i)));
        keys.add(ws.next().getString("result"));
      }
      assertThat(sameKey).hasSize(1);
      assertThat(keys).hasSizeGreaterThan(1);
    }
  }

  @Test
  @Order(3)
  @DisplayName("sticky keeps each user on one node")
  void sticky() {
    try (WsClient ws = WsClient.connect(clientVertx, gateway.port())) {
      for (String user : List.of("alice", "bob", "carol")) {
        Set<String> served = new HashSet<>();
        for (int i = 0; i < 10; i++) {
          ws.send(call(user + i, "pick", "sticky", new JsonObject()).put("user_id", user));
          served.add(ws.next().getString("result"));
        }
        assertThat(served).as(user).hasSize(1);
      }
    }
  }

  @Test
  @Order(4)
  @DisplayName("with retry all_nodes every call of an idempotent function succeeds when a node is killed mid-run")
  void retryWhenANodeDies() {
    try (WsClient ws = WsClient.connect(clientVertx, gateway.port())) {
      for (int i = 0; i < 60; i++) {
        ws.send(call("w" + i, "pick", "work", new JsonObject()));
      }
      for (int i = 0; i < 50 && workStarted.getOrDefault("pick-c", new AtomicInteger()).get() == 0; i++) {
        sleep(20);
      }
      assertThat(workStarted.get("pick-c").get()).as("calls running on pick-c when it is killed").isPositive();
      nodeVertx.remove("pick-c").close();
      Map<String, JsonObject> answers = new HashMap<>();
      for (JsonObject answer : ws.next(60, 30_000)) {
        answers.put(answer.getString("request_id"), answer);
      }
      assertThat(answers).hasSize(60);
      assertThat(answers.values()).allSatisfy(answer -> assertThat(answer.getBoolean("success")).as(answer.encode()).isTrue());
      for (int i = 0; i < 20; i++) {
        ws.send(call("after" + i, "pick", "work", new JsonObject()));
        JsonObject answer = ws.next(30_000);
        assertThat(answer.getBoolean("success")).isTrue();
        assertThat(answer.getString("result")).isNotEqualTo("pick-c");
      }
    }
  }

  private static FunConfig fun(String requestType, String extra) {
    return FunConfig.fromJson(new JsonObject("{\"service\":\"pick\",\"request_type\":\"" + requestType + "\"," + extra + "}"));
  }

  private static void awaitLive(int count) {
    FunConfig work = fun("work", "\"timeout\":2000");
    for (int i = 0; i < 100 && gateway.nodes().serving(work).size() < count; i++) {
      sleep(100);
    }
    assertThat(gateway.nodes().serving(work)).hasSize(count);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
