package dev.genapi.hostile;

import dev.genapi.gateway.GatewayOptions;
import dev.genapi.testing.DemoCluster;
import dev.genapi.testing.LogCapture;
import dev.genapi.testing.WsClient;
import io.vertx.core.Future;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.ExtendWith;
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
@ExtendWith(VertxExtension.class)
class OversizeFramesTest {

  private static final int LIMIT = 64 * 1024;
  private static LogCapture log;
  private static DemoCluster cluster;

  @BeforeAll
  static void start(VertxTestContext test) {
    log = LogCapture.install();
    DemoCluster.open(new GatewayOptions().setMaxPayloadBytes(LIMIT)).onComplete(test.succeeding(started -> {
      cluster = started;
      test.completeNow();
    }));
  }

  @AfterAll
  static void stop(VertxTestContext test) {
    Future.succeededFuture().map(v -> {
      log.closeAndAssertNoStackTraces();
      return v;
    }).eventually(() -> cluster == null ? Future.succeededFuture() : cluster.shutdown())
      .onComplete(test.succeedingThenComplete());
  }

  @ParameterizedTest(name = "compression offered: {0}")
  @ValueSource(booleans = {false, true})
  @DisplayName("a native frame over the limit is refused by its request_id; one over twice the limit closes with 1009")
  void nativeFrames(boolean compression, VertxTestContext test) {
    WsClient.open(cluster.clients(), cluster.port(), null).compose(bystander -> client("/ws", compression, 65536)
        .compose(ws -> ws.ask(call("big", "demo", "echo", new JsonObject().put("message", "x".repeat(LIMIT + 1000))))
          .map(refused -> {
            assertThat(refused.getString("request_id")).isEqualTo("big");
            assertThat(refused.getString("code")).isEqualTo("INVALID_REQUEST");
            return assertThat(refused.getString("error")).contains("exceeds maximum size of " + LIMIT);
          })
          .compose(v -> closesWith1009(ws, call("huge", "demo", "echo",
            new JsonObject().put("message", "x".repeat(3 * LIMIT))).encode()))
          .compose(v -> assertEcho(bystander))
          .eventually(ws::shutdown))
        .eventually(bystander::shutdown))
      .onComplete(test.succeedingThenComplete());
  }

  @ParameterizedTest(name = "compression offered: {0}")
  @ValueSource(booleans = {false, true})
  @DisplayName("one single frame over twice the limit closes with 1009")
  void singleHugeFrame(boolean compression, VertxTestContext test) {
    client("/ws", compression, 8 * LIMIT).compose(ws -> closesWith1009(ws, call("huge", "demo", "echo",
        new JsonObject().put("message", "x".repeat(3 * LIMIT))).encode())
        .eventually(ws::shutdown))
      .onComplete(test.succeedingThenComplete());
  }

  @ParameterizedTest(name = "compression offered: {0}")
  @ValueSource(booleans = {false, true})
  @DisplayName("a Phoenix push over the limit gets an error reply and the error Response; over twice the limit, 1009")
  void phoenixFrames(boolean compression, VertxTestContext test) {
    JsonObject big = call("pbig", "demo", "echo", new JsonObject().put("message", "x".repeat(LIMIT + 1000)));
    JsonObject huge = call("phuge", "demo", "echo", new JsonObject().put("message", "x".repeat(3 * LIMIT)));
    client("/socket/websocket?vsn=2.0.0", compression, 65536).compose(ws -> ws.write(phoenix("1", "phx_join",
        new JsonObject())).compose(v -> ws.array())
        .map(joined -> assertThat(joined.getJsonObject(4).getString("status")).isEqualTo("ok"))
        .compose(v -> ws.write(phoenix("2", "phoenix_gen_api", big))).compose(v -> ws.array())
        .map(pushed -> {
          assertThat(pushed.getJsonObject(4).getString("request_id")).isEqualTo("pbig");
          return assertThat(pushed.getJsonObject(4).getString("code")).isEqualTo("INVALID_REQUEST");
        })
        .compose(v -> ws.array())
        .map(reply -> assertThat(reply.getJsonObject(4).getString("status")).isEqualTo("error"))
        .compose(v -> closesWith1009(ws, phoenix("3", "phoenix_gen_api", huge)))
        .eventually(ws::shutdown))
      .onComplete(test.succeedingThenComplete());
  }

  private static String phoenix(String ref, String event, JsonObject payload) {
    return new JsonArray().add("1").add(ref).add("genapi:lobby").add(event).add(payload).encode();
  }

  private static Future<WsClient> client(String uri, boolean compression, int maxFrameSize) {
    WebSocketClientOptions options = new WebSocketClientOptions().setMaxFrameSize(maxFrameSize)
      .setMaxMessageSize(16 * LIMIT).setTryUsePerMessageCompression(compression)
      .setTryUsePerFrameCompression(compression);
    return WsClient.open(cluster.clients(), options,
      new WebSocketConnectOptions().setHost("127.0.0.1").setPort(cluster.port()).setURI(uri));
  }

  /** Writes a frame over twice the limit and expects the gateway to close with 1009 within 10 s. */
  private static Future<Void> closesWith1009(WsClient ws, String frame) {
    return ws.write(frame).compose(v -> ws.closed(10_000))
      .map(status -> {
        assertThat(status).isEqualTo((short) 1009);
        return null;
      });
  }

  private static Future<Void> assertEcho(WsClient ws) {
    return ws.ask(call("ok", "demo", "echo", new JsonObject().put("message", "fine")))
      .map(answer -> {
        assertThat(answer.getJsonObject("result").getString("message")).isEqualTo("fine");
        return null;
      });
  }
}
