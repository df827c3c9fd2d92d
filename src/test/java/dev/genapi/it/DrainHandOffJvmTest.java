package dev.genapi.it;

import dev.genapi.testing.Eventually;
import dev.genapi.testing.Http;
import dev.genapi.testing.JvmFleet;
import dev.genapi.testing.JvmProcess;
import dev.genapi.testing.NodeClients;
import dev.genapi.testing.TestCluster;
import dev.genapi.testing.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.genapi.testing.WsClient.call;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two gateway JVMs and a node JVM: SIGTERM to a gateway in the middle of closed loops of calls over native
 * WebSockets, Phoenix and SockJS, and of HTTP calls. Every client is told before its connection closes, moves to the
 * other gateway and goes on there; every call it sent gets exactly one final answer, and the only failures are
 * {@code UNAVAILABLE} (can_retry) "gateway draining".
 */
@DisplayName("Drain hand-off: no call lost when a gateway stops")
class DrainHandOffJvmTest {

  static final long READY_MS = 90_000;
  static final String DRAINING = "Service unavailable: gateway draining";
  static final long SPREAD_MS = 1000;

  private static JvmFleet fleet;
  private static String[] cluster;
  private static Vertx client;
  private static int portB;

  @BeforeAll
  static void start() {
    client = Vertx.vertx();
    cluster = new String[] {"--cluster-name", "genapi-hand-off-" + java.util.UUID.randomUUID(),
      "--cluster-port", Integer.toString(TestCluster.newCluster().getPort())};
    fleet = new JvmFleet(Map.of(), cluster);
    portB = gateway().port();
    fleet.launch("node", "--node-name", "hand-off-node").awaitLine("pushed its functions", READY_MS);
    awaitEcho(portB);
  }

  @AfterAll
  static void stop() {
    fleet.close();
    TestCluster.close(client);
  }

  @Test
  @DisplayName("16 native, 4 Phoenix and 4 SockJS clients in closed loops move to the other gateway; no call is lost")
  void closedLoopsHandOff() {
    Started gatewayA = gateway();
    int portA = gatewayA.port();
    awaitEcho(portA);
    NodeClients.Background scripts = NodeClients.start("drain-hand-off.js", Integer.toString(portA),
      Integer.toString(portB), "4", "4", Integer.toString(LoopClient.WANTED), "60000");
    scripts.awaitLine("ready", 30_000);
    List<LoopClient> natives = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      natives.add(new LoopClient(client, i, i % 2 == 0, portA, portB).start());
    }
    Eventually.until(() -> natives.stream().allMatch(LoopClient::answeredOnce), done -> done, 10_000);
    assertThat(gatewayA.process().terminate(30_000)).as("gateway A ended within its drain budget").isTrue();

    assertThat(Eventually.until(() -> natives.stream().allMatch(LoopClient::done), done -> done, 30_000))
      .as("every native client went on on gateway B").isTrue();
    natives.forEach(LoopClient::assertHandedOff);
    assertThat(natives.stream().mapToLong(LoopClient::drainRefusals).sum())
      .as("calls sent to gateway A while it drained were answered UNAVAILABLE").isPositive();
    assertThat(natives.stream().map(LoopClient::reconnectAfterMs).distinct().count())
      .as("reconnect delays are spread").isGreaterThan(1);

    JsonArray others = scripts.result(70_000).getJsonArray("clients");
    assertThat(others).hasSize(8);
    others.stream().map(JsonObject.class::cast).forEach(DrainHandOffJvmTest::assertHandedOff);
  }

  @Test
  @DisplayName("HTTP while draining: a new call answers 503 with Retry-After and Connection: close, a stream finishes")
  void httpDuringDrain() throws Exception {
    Started gateway = gateway();
    int port = gateway.port();
    awaitEcho(port);
    HttpClient http = client.createHttpClient();
    List<String> lines = new ArrayList<>();
    CompletableFuture<Integer> stream = new CompletableFuture<>();
    JsonObject count = call("stream1", "demo", "count", new JsonObject().put("n", 20).put("interval_ms", 150));
    http.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
        .setURI("/api/call").putHeader("Content-Type", "application/json"))
      .compose(request -> request.send(count.toBuffer()))
      .onSuccess(response -> {
        response.handler(chunk -> record(lines, chunk));
        response.endHandler(v -> stream.complete(response.statusCode()));
      })
      .onFailure(stream::completeExceptionally);
    Eventually.until(() -> lines(lines).size(), n -> n > 1, 10_000);
    assertThat(lines(lines)).as("the stream is under way").hasSizeGreaterThan(1);

    Thread stopping = new Thread(() -> gateway.process().terminate(30_000));
    stopping.start();
    Http probe = new Http(client, port);
    assertThat(Eventually.until(() -> probe.get("/health/ready", null).status(), s -> s == 503, 5000)).isEqualTo(503);
    Http.Reply refused = probe.send(HttpMethod.POST, "/api/call", null,
      call("late", "demo", "echo", new JsonObject().put("message", "m")).encode());
    assertThat(refused.status()).isEqualTo(503);
    assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, SPREAD_MS / 1000 + 1);
    assertThat(refused.header("Connection")).isEqualToIgnoringCase("close");
    assertThat(refused.json().getString("request_id")).isEqualTo("late");
    assertThat(refused.json().getString("code")).isEqualTo("UNAVAILABLE");
    assertThat(refused.json().getBoolean("can_retry")).isTrue();
    assertThat(refused.json().getString("error")).isEqualTo(DRAINING);

    assertThat(stream.get(20, TimeUnit.SECONDS)).isEqualTo(200);
    List<Object> results = lines(lines).stream().map(line -> new JsonObject(line).getValue("result")).toList();
    assertThat(results).hasSize(22).startsWith("init", 1, 2)
      .endsWith(new Object[] {20, null});
    stopping.join(30_000);
    assertThat(stopping.isAlive()).as("the gateway ended within its drain budget").isFalse();
  }

  @Test
  @DisplayName("calls still open at drain_timeout_ms get one last TIMEOUT answer, then the connection closes with 1012")
  void deadlineAnswersOpenCalls() throws Exception {
    Started gateway = gateway();
    int port = gateway.port();
    awaitEcho(port);
    Http http = new Http(client, port);
    try (WsClient ws = WsClient.connect(client, port)) {
      ws.send(call("long", "demo", "slow", new JsonObject().put("ms", 10_000)));
      assertThat(ws.next().getBoolean("async")).isTrue();
      CompletableFuture<Http.Reply> overHttp = CompletableFuture.supplyAsync(() -> http.send(HttpMethod.POST,
        "/api/call", null, call("long-http", "demo", "slow", new JsonObject().put("ms", 10_000)).encode()));
      assertThat(Eventually.until(() -> inFlight(http), n -> n == 2, 10_000)).as("calls in flight").isEqualTo(2);
      Thread stopping = new Thread(() -> gateway.process().terminate(30_000));
      stopping.start();

      assertThat(ws.next(10_000).getString("op")).isEqualTo("drain");
      JsonObject last = ws.next(15_000);
      assertThat(last.getString("request_id")).isEqualTo("long");
      assertDeadline(last);
      assertThat(ws.closeStatus(10_000)).isEqualTo((short) 1012);
      Http.Reply answer = overHttp.get(20, TimeUnit.SECONDS);
      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.json().getString("request_id")).isEqualTo("long-http");
      assertDeadline(answer.json());
      stopping.join(30_000);
      assertThat(stopping.isAlive()).as("the gateway ended within its drain budget").isFalse();
    }
  }

  private static void assertDeadline(JsonObject last) {
    assertThat(last.getString("code")).as(last.encode()).isEqualTo("TIMEOUT");
    assertThat(last.getBoolean("can_retry")).isTrue();
    assertThat(last.getString("error")).startsWith("Request timed out: gateway draining");
  }

  private static long inFlight(Http http) {
    return http.get("/metrics", null).raw().toString().lines().filter(line -> line.startsWith("genapi_calls_in_flight"))
      .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
  }

  static void assertHandedOff(JsonObject seen) {
    String who = seen.getString("kind") + " client " + seen.getInteger("index");
    JsonObject answers = seen.getJsonObject("answers");
    assertThat(answers.fieldNames()).as(who + ": answered calls").containsExactlyInAnyOrderElementsOf(
      seen.getJsonArray("sent").stream().map(String.class::cast).toList());
    answers.forEach(entry -> assertThat(entry.getValue()).as(who + ": answers to " + entry.getKey()).isEqualTo(1));
    assertThat(seen.getValue("drainAt")).as(who + ": told to drain").isNotNull();
    assertThat(seen.getInteger("answersAfterMove")).as(who + ": went on on gateway B")
      .isGreaterThanOrEqualTo(LoopClient.WANTED);
    // Vert.x's SockJS sessions close with SockJS's own "Go away!" (3000): they carry no close code of their own
    int closeCode = seen.getString("kind").equals("phoenix") ? 1012 : 3000;
    seen.getJsonArray("closes").stream().map(JsonObject.class::cast).forEach(close -> {
      assertThat(close.getBoolean("afterDrain")).as(who + ": the drain signal came before the close").isTrue();
      assertThat(close.getInteger("code")).as(who + ": close code").isEqualTo(closeCode);
    });
    assertThat(seen.getJsonArray("closes")).as(who + ": gateway A closed the connection").isNotEmpty();
    seen.getJsonArray("failures").stream().map(JsonObject.class::cast).forEach(LoopClient::assertDrainRefusal);
    if (seen.getString("kind").equals("phoenix")) {
      assertThat(seen.getJsonArray("timeouts")).as(who + ": pushes without a reply").isEmpty();
      seen.getJsonObject("replies").forEach(entry ->
        assertThat((JsonArray) entry.getValue()).as(who + ": replies to " + entry.getKey()).hasSize(1));
    } else {
      assertThat(seen.getLong("reconnectAfterMs")).isBetween(0L, SPREAD_MS);
    }
  }

  private static void record(List<String> lines, Buffer chunk) {
    synchronized (lines) {
      lines.add(chunk.toString());
    }
  }

  private static List<String> lines(List<String> chunks) {
    synchronized (chunks) {
      return String.join("", chunks).lines().toList();
    }
  }

  private record Started(JvmProcess process, int port) {
  }

  /** Starts a gateway JVM with a short drain, and waits until it is ready. */
  private static Started gateway() {
    int port = TestCluster.freePort();
    JvmProcess process = fleet.launch("gateway", "--http-port", Integer.toString(port), "--drain-timeout-ms", "8000",
      "--drain-reconnect-spread-ms", Long.toString(SPREAD_MS));
    process.awaitLine("GenApi gateway ready on http://127.0.0.1:" + port, READY_MS);
    return new Started(process, port);
  }

  private static void awaitEcho(int port) {
    JsonObject answer = Eventually.until(() -> {
      try (WsClient ws = WsClient.connect(client, port)) {
        return ws.send(call("warm", "demo", "echo", new JsonObject().put("message", "m"))).next();
      }
    }, frame -> frame.getBoolean("success"), 20_000);
    assertThat(answer.getBoolean("success")).as(answer.encode()).isTrue();
  }

}
