package dev.genapi.hostile;

import dev.genapi.gateway.ClientLimitsOptions;
import dev.genapi.gateway.GatewayOptions;
import dev.genapi.testing.DemoCluster;
import dev.genapi.testing.WsClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.genapi.testing.WsClient.call;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Clients that ask for far more than they read: the gateway holds at most about twice their byte budget for them,
 * disconnects them with 1008, and keeps serving everyone else; past the gateway-wide budget new calls answer
 * {@code OVERLOADED}. A client that stops reading cannot see its own close until it reads again: the tests resume
 * reading once the gateway let go of it.
 */
@DisplayName("Slow readers")
class BackPressureTest {

  private static final long BUDGET = 1 << 20;
  private static final long GATEWAY_BUDGET = 5 * BUDGET;
  private static final long FRAME = 100_000;
  private static DemoCluster cluster;

  @BeforeAll
  static void start() {
    cluster = DemoCluster.start(new GatewayOptions().setClientLimits(new ClientLimitsOptions()
      .setMaxConnectionBytes(BUDGET).setMaxGatewayBytes(GATEWAY_BUDGET).setSlowClientTimeoutMs(3000)));
  }

  @AfterAll
  static void stop() {
    try {
      assertThat(cluster.gateway().clientBytesPeak()).as("the most the gateway held for its clients")
        .isLessThanOrEqualTo(GATEWAY_BUDGET + FRAME);
    } finally {
      cluster.close();
    }
  }

  @Test
  @DisplayName("two readers that stopped reading 20 streams of 10,000 chunks each are dropped, holding at most their budget")
  void slowReadersAreDisconnected() {
    long before = cluster.gateway().slowClientsDisconnected();
    List<WsClient> slow = List.of(flood(), flood());
    try (WsClient good = WsClient.connect(cluster.clients(), cluster.port())) {
      int served = 0;
      long end = System.currentTimeMillis() + 30_000;
      while (!letGo(before, 2) && System.currentTimeMillis() < end) {
        good.send(call("g" + served, "demo", "echo", new JsonObject().put("message", "hi")));
        JsonObject answer = good.next();
        assertThat(answer.getBoolean("success")).as(answer.encode()).isTrue();
        served++;
      }
      assertThat(letGo(before, 2)).as("the gateway let go of the slow readers").isTrue();
      assertThat(served).isPositive();
      slow.forEach(ws -> ws.socket().resume());
      slow.forEach(ws -> assertThat(ws.closeStatus(10_000)).isIn((short) 1008, null));
      assertThat(slow).allMatch(WsClient::isClosed);
    } finally {
      slow.forEach(WsClient::close);
    }
  }

  @Test
  @DisplayName("a stream waits for a reader that paused: the gateway holds about a window of it, and every chunk "
    + "of 8 streams of 10,000 arrives in order once the reader reads again")
  void streamsGoAtTheReadersPace() throws InterruptedException {
    try (WsClient ws = WsClient.connect(cluster.clients(), new WebSocketClientOptions().setReceiveBufferSize(32 * 1024),
      new WebSocketConnectOptions().setHost("127.0.0.1").setPort(cluster.port()).setURI("/ws"))) {
      ws.socket().pause();
      for (int c = 0; c < 8; c++) {
        ws.socket().writeTextMessage(call("p" + c, "demo", "count", new JsonObject().put("n", 10_000)).encode());
      }
      Thread.sleep(1500);
      assertThat(cluster.gateway().clientBytes()).as("held while the reader pauses")
        .isLessThanOrEqualTo(BUDGET + 8 * 64 * 200 + FRAME);
      ws.socket().resume();
      java.util.Map<String, List<Object>> results = new java.util.HashMap<>();
      for (JsonObject frame : ws.next(8 * 10_002, 20_000)) {
        results.computeIfAbsent(frame.getString("request_id"), id -> new ArrayList<>()).add(frame.getValue("result"));
      }
      List<Object> expected = new ArrayList<>(List.of("init"));
      for (int i = 1; i <= 10_000; i++) {
        expected.add(i);
      }
      expected.add(null);
      assertThat(results).hasSize(8).allSatisfy((id, chunks) -> assertThat(chunks).isEqualTo(expected));
      assertThat(ws.isClosed()).isFalse();
    }
  }

  @Test
  @DisplayName("a slow reader that reads again once the gateway gave up on it finds close 1008 after its data")
  void slowReaderSeesTheCloseCode() {
    long before = cluster.gateway().slowClientsDisconnected();
    try (WsClient ws = flood()) {
      long end = System.currentTimeMillis() + 20_000;
      while (!letGo(before, 1) && System.currentTimeMillis() < end) {
        Thread.onSpinWait();
      }
      ws.socket().resume();
      assertThat(ws.closeStatus(10_000)).isEqualTo((short) 1008);
      assertThat(ws.closeReason()).isEqualTo("slow client: over its byte budget");
    }
  }

  @Test
  @DisplayName("pushes to a user whose connection stopped reading drop that connection (1008), holding at most its "
    + "budget; another user's connection gets every push meanwhile, in order")
  void pushesToAReaderThatStopped() {
    long before = cluster.gateway().slowClientsDisconnected();
    try (WsClient stuck = WsClient.connect(cluster.clients(), new WebSocketClientOptions().setReceiveBufferSize(32 * 1024),
      new WebSocketConnectOptions().setHost("127.0.0.1").setPort(cluster.port()).setURI("/ws"));
         WsClient other = WsClient.connect(cluster.clients(), cluster.port());
         WsClient sender = WsClient.connect(cluster.clients(), cluster.port())) {
      for (WsClient ws : List.of(stuck, other)) { // a connection receives the pushes to the user it called as
        ws.send(call("hello", "demo", "echo", new JsonObject().put("message", "hi")).put("user_id",
          ws == stuck ? "stuck" : "other"));
        assertThat(ws.next().getBoolean("success")).isTrue();
      }
      stuck.socket().pause();
      String big = "b".repeat(2900); // the demo's longest string
      for (int batch = 0; batch < 20; batch++) { // 5.8 MB of pushes to "stuck", a small push to "other" after each 100
        for (int i = 0; i < 100; i++) {
          sender.send(call("s" + i, "demo", "push_to_user", new JsonObject().put("user_id", "stuck")
            .put("message", big)));
        }
        sender.send(call("o" + batch, "demo", "push_to_user", new JsonObject().put("user_id", "other")
          .put("message", "m" + batch)));
        assertThat(sender.next(101, 10_000)).allMatch(answer -> answer.getBoolean("success"));
      }
      assertThat(other.next(20, 10_000)).extracting(push -> push.getJsonObject("result").getString("message"))
        .isEqualTo(java.util.stream.IntStream.range(0, 20).mapToObj(i -> "m" + i).toList());
      long end = System.currentTimeMillis() + 20_000;
      while (!letGo(before, 1) && System.currentTimeMillis() < end) {
        Thread.onSpinWait();
      }
      assertThat(letGo(before, 1)).as("the gateway let go of the connection that stopped reading").isTrue();
      stuck.socket().resume();
      assertThat(stuck.closeStatus(10_000)).isEqualTo((short) 1008);
      assertThat(other.isClosed()).isFalse();
    }
  }

  @Test
  @DisplayName("while calls in flight hold the gateway-wide budget, new calls answer OVERLOADED (can_retry); every call"
    + " gets one final answer and nobody is disconnected")
  void gatewayBudget() {
    List<WsClient> busy = new ArrayList<>();
    try (WsClient good = WsClient.connect(cluster.clients(), cluster.port())) {
      String padding = "p".repeat(50_000);
      for (int c = 0; c < 8; c++) {
        WsClient ws = WsClient.connect(cluster.clients(), cluster.port());
        busy.add(ws);
        for (int i = 0; i < 25; i++) {
          // unknown keys are ignored but their bytes are held while the call is in flight
          ws.socket().writeTextMessage(call("s" + i, "demo", "slow", new JsonObject().put("ms", 3000))
            .put("padding", padding).encode());
        }
      }
      long end = System.currentTimeMillis() + 10_000;
      while (cluster.gateway().clientBytes() <= GATEWAY_BUDGET - 60_000 && System.currentTimeMillis() < end) {
        Thread.onSpinWait();
      }
      good.send(call("refused", "demo", "echo", new JsonObject().put("message", "x".repeat(1000)))
        .put("padding", padding));
      JsonObject refused = good.next();
      assertThat(refused.getString("code")).isEqualTo("OVERLOADED");
      assertThat(refused.getBoolean("can_retry")).isTrue();
      List<String> outcomes = new ArrayList<>();
      for (WsClient ws : busy) {
        java.util.Map<String, String> answers = finalAnswers(ws, 25);
        assertThat(answers).hasSize(25);
        outcomes.addAll(answers.values());
        assertThat(ws.isClosed()).isFalse();
      }
      assertThat(outcomes).contains("ok", "OVERLOADED").containsOnly("ok", "OVERLOADED");
      good.send(call("passes", "demo", "echo", new JsonObject().put("message", "hi")));
      assertThat(good.next().getBoolean("success")).isTrue();
    } finally {
      busy.forEach(WsClient::close);
    }
  }

  // request_id -> "ok" or the error code, for each call's final frame (acks skipped)
  private static java.util.Map<String, String> finalAnswers(WsClient ws, int calls) {
    java.util.Map<String, String> answers = new java.util.HashMap<>();
    while (answers.size() < calls) {
      JsonObject frame = ws.next(15_000);
      if (!frame.getBoolean("async")) {
        String previous = answers.put(frame.getString("request_id"),
          frame.getBoolean("success") ? "ok" : frame.getString("code"));
        assertThat(previous).as("a second final answer to " + frame.getString("request_id")).isNull();
      }
    }
    return answers;
  }

  // the gateway disconnected that many more slow readers and holds (about) nothing for its clients
  private static boolean letGo(long before, int readers) {
    return cluster.gateway().slowClientsDisconnected() >= before + readers
      && cluster.gateway().clientBytes() <= FRAME;
  }

  // a client that stops reading, then asks for 20 streams of 10,000 chunks (about 24 MB of frames) as fast as the
  // node can send them
  private static WsClient flood() {
    // a small receive buffer, so the kernel holds little of what the gateway writes
    WsClient ws = WsClient.connect(cluster.clients(), new WebSocketClientOptions().setReceiveBufferSize(32 * 1024),
      new WebSocketConnectOptions().setHost("127.0.0.1").setPort(cluster.port()).setURI("/ws"));
    ws.socket().pause();
    for (int i = 0; i < 20; i++) {
      ws.socket().writeTextMessage(call("count" + i, "demo", "count", new JsonObject().put("n", 10_000)).encode());
    }
    return ws;
  }
}
