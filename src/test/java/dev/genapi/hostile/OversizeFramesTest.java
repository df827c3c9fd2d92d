package dev.genapi.hostile;

import dev.genapi.gateway.GatewayOptions;
import dev.genapi.testing.DemoCluster;
import dev.genapi.testing.WsClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static dev.genapi.testing.WsClient.call;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every oversize frame gets an answer: up to twice {@code max_payload_bytes} an {@code INVALID_REQUEST} naming the
 * call, above it a 1009 close at once, sent whole or in fragments, with the client's compression on or off; the
 * gateway's other clients are served meanwhile.
 */
@DisplayName("Oversize frames")
class OversizeFramesTest {

  private static final int LIMIT = 64 * 1024;
  private static DemoCluster cluster;

  @BeforeAll
  static void start() {
    cluster = DemoCluster.startWatchingLog(new GatewayOptions().setMaxPayloadBytes(LIMIT));
  }

  @AfterAll
  static void stop() {
    cluster.closeAndAssertNoStackTraces();
  }

  @ParameterizedTest(name = "compression offered: {0}")
  @ValueSource(booleans = {false, true})
  @DisplayName("a native frame over the limit is refused by its request_id; one over twice the limit closes with 1009")
  void nativeFrames(boolean compression) {
    try (WsClient bystander = WsClient.connect(cluster.clients(), cluster.port());
         WsClient ws = client("/ws", compression, 65536)) {
      ws.send(call("big", "demo", "echo", new JsonObject().put("message", "x".repeat(LIMIT + 1000))));
      JsonObject refused = ws.next();
      assertThat(refused.getString("request_id")).isEqualTo("big");
      assertThat(refused.getString("code")).isEqualTo("INVALID_REQUEST");
      assertThat(refused.getString("error")).contains("exceeds maximum size of " + LIMIT);

      ws.send(call("huge", "demo", "echo", new JsonObject().put("message", "x".repeat(3 * LIMIT))));
      assertThat(ws.closeStatus(10_000)).isEqualTo((short) 1009);
      assertEcho(bystander);
    }
  }

  @ParameterizedTest(name = "compression offered: {0}")
  @ValueSource(booleans = {false, true})
  @DisplayName("one single frame over twice the limit closes with 1009")
  void singleHugeFrame(boolean compression) {
    try (WsClient ws = client("/ws", compression, 8 * LIMIT)) {
      ws.send(call("huge", "demo", "echo", new JsonObject().put("message", "x".repeat(3 * LIMIT))));
      assertThat(ws.closeStatus(10_000)).isEqualTo((short) 1009);
    }
  }

  @ParameterizedTest(name = "compression offered: {0}")
  @ValueSource(booleans = {false, true})
  @DisplayName("a Phoenix push over the limit gets an error reply and the error Response; over twice the limit, 1009")
  void phoenixFrames(boolean compression) {
    try (WsClient ws = client("/socket/websocket?vsn=2.0.0", compression, 65536)) {
      ws.send(new JsonArray().add("1").add("1").add("genapi:lobby").add("phx_join").add(new JsonObject()).encode());
      assertThat(ws.nextArray().getJsonObject(4).getString("status")).isEqualTo("ok");
      JsonObject big = call("pbig", "demo", "echo", new JsonObject().put("message", "x".repeat(LIMIT + 1000)));
      ws.send(new JsonArray().add("1").add("2").add("genapi:lobby").add("phoenix_gen_api").add(big).encode());
      JsonArray pushed = ws.nextArray();
      assertThat(pushed.getJsonObject(4).getString("request_id")).isEqualTo("pbig");
      assertThat(pushed.getJsonObject(4).getString("code")).isEqualTo("INVALID_REQUEST");
      assertThat(ws.nextArray().getJsonObject(4).getString("status")).isEqualTo("error");

      JsonObject huge = call("phuge", "demo", "echo", new JsonObject().put("message", "x".repeat(3 * LIMIT)));
      ws.send(new JsonArray().add("1").add("3").add("genapi:lobby").add("phoenix_gen_api").add(huge).encode());
      assertThat(ws.closeStatus(10_000)).isEqualTo((short) 1009);
    }
  }

  private static WsClient client(String uri, boolean compression, int maxFrameSize) {
    WebSocketClientOptions options = new WebSocketClientOptions().setMaxFrameSize(maxFrameSize)
      .setMaxMessageSize(16 * LIMIT).setTryUsePerMessageCompression(compression)
      .setTryUsePerFrameCompression(compression);
    return WsClient.connect(cluster.clients(), options,
      new WebSocketConnectOptions().setHost("127.0.0.1").setPort(cluster.port()).setURI(uri));
  }

  private static void assertEcho(WsClient ws) {
    ws.send(call("ok", "demo", "echo", new JsonObject().put("message", "fine")));
    assertThat(ws.next().getJsonObject("result").getString("message")).isEqualTo("fine");
  }
}
