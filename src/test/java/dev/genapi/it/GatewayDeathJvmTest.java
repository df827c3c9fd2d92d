package dev.genapi.it;

import dev.genapi.api.CallInfo;
import dev.genapi.api.FunConfig;
import dev.genapi.cluster.ClusterOptions;
import dev.genapi.demo.DemoService;
import dev.genapi.gateway.Gateway;
import dev.genapi.gateway.GatewayOptions;
import dev.genapi.node.ServiceNode;
import dev.genapi.node.ServiceNodeOptions;
import dev.genapi.testing.Eventually;
import dev.genapi.testing.JvmProcess;
import dev.genapi.testing.TestCluster;
import dev.genapi.testing.WsClient;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.genapi.testing.TestCluster.await;
import static dev.genapi.testing.WsClient.call;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gateway JVM killed with SIGKILL while a service node (in this JVM, with the demo catalogue and two test functions
 * of service {@code feed}) works for it: the node learns from the cluster membership that the gateway is gone and
 * stops the calls only it was waiting for, while it keeps serving a second gateway (in this JVM too).
 */
@DisplayName("A gateway that dies: its calls stop on the node")
class GatewayDeathJvmTest {

  private static final long READY_MS = 90_000;
  private static final int SLOW_MS = 10_000;
  private static final AtomicInteger holdsCancelled = new AtomicInteger();
  private static final AtomicInteger floodsStopped = new AtomicInteger();
  private static final AtomicInteger floodChunks = new AtomicInteger();
  private static final AtomicInteger echoes = new AtomicInteger();

  private static Vertx nodeVertx;
  private static Vertx gatewayVertx;
  private static Vertx client;
  private static ServiceNode node;
  private static Gateway survivor;
  private static JvmProcess doomed;
  private static int doomedPort;

  @BeforeAll
  static void start() throws IOException {
    ClusterOptions cluster = TestCluster.newCluster();
    client = Vertx.vertx();
    doomedPort = TestCluster.freePort();
    Path conf = Files.createTempDirectory("genapi-doomed");
    // the paused reader must stay connected until the kill, however long it is over its budget
    Files.writeString(conf.resolve("gateway.json"), new JsonObject(Files.readString(Path.of("conf", "gateway.json")))
      .put("slow_client_timeout_ms", 600_000).encode());
    doomed = JvmProcess.launch("gateway", "--conf", conf.toString(), "--cluster-name", cluster.getName(),
      "--cluster-port", Integer.toString(cluster.getPort()), "--http-port", Integer.toString(doomedPort));
    nodeVertx = TestCluster.member(cluster);
    gatewayVertx = TestCluster.member(cluster);
    survivor = await(Gateway.start(gatewayVertx, new GatewayOptions().setPort(TestCluster.freePort())));
    node = DemoService.registerOn(ServiceNode.create(nodeVertx, new ServiceNodeOptions().setName("keeper")), nodeVertx)
      .register(feed("hold", "async"), GatewayDeathJvmTest::hold)
      .register(feed("flood", "stream"), GatewayDeathJvmTest::flood);
    await(node.start());
    await(node.registered());
    doomed.awaitLine("GenApi gateway ready on http://127.0.0.1:" + doomedPort, READY_MS);
  }

  @AfterAll
  static void stop() {
    doomed.kill();
    TestCluster.close(client, gatewayVertx, nodeVertx);
  }

  @Test
  @DisplayName("kill -9 a gateway mid-stream and mid-call: the node stops its streams and calls, queued chunks "
    + "included, and serves the other gateway on")
  void killedGateway() {
    try (WsClient kept = WsClient.connect(client, survivor.port());
         WsClient lost = WsClient.connect(client, doomedPort);
         WsClient paused = WsClient.connect(client, new WebSocketClientOptions().setReceiveBufferSize(32 * 1024),
           new WebSocketConnectOptions().setHost("127.0.0.1").setPort(doomedPort).setURI("/ws"))) {
      assertThat(served(kept) && served(lost)).as("both gateways serve the node").isTrue();
      kept.send(call("k-count", "demo", "count", new JsonObject().put("n", 10_000).put("interval_ms", 50)));
      kept.send(call("k-hold", "feed", "hold", new JsonObject()));
      lost.send(call("l-count", "demo", "count", new JsonObject().put("n", 10_000).put("interval_ms", 50)));
      long slowSent = System.currentTimeMillis();
      lost.send(call("l-slow-1", "demo", "slow", new JsonObject().put("ms", SLOW_MS)));
      lost.send(call("l-slow-2", "demo", "slow", new JsonObject().put("ms", SLOW_MS)));
      lost.send(call("l-hold", "feed", "hold", new JsonObject()));
      paused.socket().pause();
      paused.send(call("l-flood", "feed", "flood", new JsonObject()));
      assertThat(Eventually.until(node::inFlight, n -> n == 7, 10_000)).as("calls running on the node").isEqualTo(7);
      assertThat(Eventually.until(GatewayDeathJvmTest::floodStalled, stalled -> stalled, 5_000))
        .as("the flood's chunks wait on the node for the paused reader").isTrue();

      doomed.kill();
      assertThat(Eventually.until(node::inFlight, n -> n == 2, 15_000)).as("calls left once the gateway is gone")
        .isEqualTo(2);
      assertThat(System.currentTimeMillis() - slowSent).as("stopped, not finished: the slow calls take " + SLOW_MS
        + " ms").isLessThan(SLOW_MS);
      assertThat(Eventually.until(holdsCancelled::get, n -> n == 1, 1_000)).as("onCancel of the lost gateway's hold")
        .isEqualTo(1);
      assertThat(Eventually.until(floodsStopped::get, n -> n == 1, 1_000))
        .as("the flood's handler ended: its queued chunks were dropped").isEqualTo(1);

      kept.drain(300);
      assertThat(kept.next(5_000).getValue("result")).as("the kept gateway's stream goes on")
        .isInstanceOf(Integer.class);
      assertThat(served(kept)).as("the kept gateway still serves").isTrue();
      kept.send(new JsonObject().put("op", "cancel").put("request_id", "k-hold"));
      assertThat(Eventually.until(holdsCancelled::get, n -> n == 2, 5_000)).isEqualTo(2);
    }
  }

  /** Calls echo until it succeeds (for 10 s at most), skipping the frames of other calls. */
  private static boolean served(WsClient ws) {
    return Eventually.until(() -> {
      String id = "echo-" + echoes.incrementAndGet();
      ws.send(call(id, "demo", "echo", new JsonObject().put("message", "hi")));
      for (int frames = 0; frames < 1_000; frames++) {
        JsonObject frame = ws.next();
        if (id.equals(frame.getString("request_id"))) {
          return frame.getBoolean("success");
        }
      }
      return false;
    }, success -> success, 10_000);
  }

  /** @return whether the flood wrote no chunk for half a second */
  private static boolean floodStalled() {
    int before = floodChunks.get();
    try {
      Thread.sleep(500);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return before > 0 && floodChunks.get() == before;
  }

  private static Future<Object> hold(CallInfo call) {
    Promise<Object> never = Promise.promise();
    call.onCancel(holdsCancelled::incrementAndGet);
    return never.future();
  }

  // 16 KB chunks as fast as the reader takes them, until the call is cancelled
  private static Future<Object> flood(CallInfo call) {
    while (!call.cancelled()) {
      floodChunks.incrementAndGet();
      Future<Void> sent = call.stream().write("x".repeat(16 * 1024));
      if (call.stream().writeQueueFull()) {
        return sent.compose(v -> flood(call));
      }
    }
    floodsStopped.incrementAndGet();
    return Future.succeededFuture();
  }

  private static FunConfig feed(String requestType, String responseType) {
    return FunConfig.fromJson(new JsonObject().put("service", "feed").put("request_type", requestType)
      .put("response_type", responseType).put("timeout", 300_000));
  }
}
