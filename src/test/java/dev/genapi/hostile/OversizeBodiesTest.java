package dev.genapi.hostile;

import dev.genapi.gateway.GatewayOptions;
import dev.genapi.testing.DemoCluster;
import dev.genapi.testing.Http;
import dev.genapi.testing.WsClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.genapi.testing.WsClient.call;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Oversize calls on the transports that are not plain WebSockets: {@code POST /api/call} and SockJS (its WebSocket and
 * its XHR send). Up to twice {@code max_payload_bytes} the call is refused under its own request_id; above that the
 * body is refused before it is buffered (413; SockJS's WebSocket ends the session at once, as SockJS has no close code of its own for it). The log stays free of stack traces.
 */
@DisplayName("Oversize HTTP bodies and SockJS messages")
class OversizeBodiesTest {

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

  @Test
  @DisplayName("POST /api/call: over the limit 400 INVALID_REQUEST with its request_id; over twice the limit 413")
  void httpBodies() throws IOException {
    try (Http http = new Http(cluster.clients(), cluster.port())) {
      Http.Reply refused = http.send(HttpMethod.POST, "/api/call", null, echo("big", LIMIT + 1000).encode());
      assertThat(refused.status()).isEqualTo(400);
      assertThat(refused.json().getString("request_id")).isEqualTo("big");
      assertThat(refused.json().getString("code")).isEqualTo("INVALID_REQUEST");
      assertThat(refused.json().getString("error")).contains("exceeds maximum size of " + LIMIT);

      assertTooLarge(rawPost("/api/call", echo("huge", 3 * LIMIT).encode()));
      Http.Reply served = http.send(HttpMethod.POST, "/api/call", null, echo("ok", 10).encode());
      assertThat(served.json().getJsonObject("result").getString("message")).hasSize(10);
    }
  }

  @Test
  @DisplayName("SockJS WebSocket: over the limit INVALID_REQUEST with its request_id; over twice the limit the session ends at once")
  void sockJsWebSocket() {
    WebSocketClientOptions options = new WebSocketClientOptions().setMaxFrameSize(16 * LIMIT)
      .setMaxMessageSize(16 * LIMIT);
    try (WsClient ws = WsClient.connect(cluster.clients(), options, new WebSocketConnectOptions()
      .setHost("127.0.0.1").setPort(cluster.port()).setURI("/sockjs/000/oversize/websocket"))) {
      ws.send(sockJsMessages(echo("big", LIMIT + 1000)));
      JsonObject refused = sockJsMessage(ws);
      assertThat(refused.getString("request_id")).isEqualTo("big");
      assertThat(refused.getString("code")).isEqualTo("INVALID_REQUEST");

      ws.send(sockJsMessages(echo("ok", 10)));
      assertThat(sockJsMessage(ws).getJsonObject("result").getString("message")).hasSize(10);

      long sent = System.nanoTime();
      ws.send(sockJsMessages(echo("huge", 3 * LIMIT)));
      assertThat(ws.closeStatus(10_000)).as("closed").isNotNull();
      assertThat(System.nanoTime() - sent).as("closed at once, not at an idle timeout").isLessThan(2_000_000_000L);
    }
  }

  @Test
  @DisplayName("SockJS XHR send: over the limit INVALID_REQUEST on the session; over twice the limit 413")
  void sockJsXhrSend() throws IOException {
    String session = "/sockjs/000/oversize-xhr";
    assertThat(post(session + "/xhr", null).raw().toString()).startsWith("o");
    assertThat(post(session + "/xhr_send", sockJsMessages(echo("big", LIMIT + 1000))).status()).isEqualTo(204);
    String polled = post(session + "/xhr", null).raw().toString();
    JsonObject refused = new JsonObject(new JsonArray(polled.substring(1).trim()).getString(0));
    assertThat(refused.getString("request_id")).isEqualTo("big");
    assertThat(refused.getString("code")).isEqualTo("INVALID_REQUEST");

    assertTooLarge(rawPost(session + "/xhr_send", sockJsMessages(echo("huge", 3 * LIMIT))));
  }

  /** One POST on a connection of its own: SockJS may close a polling connection that a pooled client would reuse. */
  private static Http.Reply post(String path, String body) {
    try (Http http = new Http(cluster.clients(), cluster.port())) {
      return http.send(HttpMethod.POST, path, null, body);
    }
  }

  /**
   * Posts the whole body over a plain socket and returns the response. The gateway refuses an oversize body from
   * its Content-Length and may close the connection before the client finished writing; an HTTP client library can
   * then report the closed connection instead of the 413 that reached the socket.
   *
   * @return the whole response: status line, headers and the body its Content-Length announces
   */
  private static String rawPost(String path, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    try (Socket socket = new Socket("127.0.0.1", cluster.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + "Content-Length: " + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      try {
        out.write(bytes);
      } catch (SocketException closedWhileWriting) {
        // the answer was already sent: read it below
      }
      String response = readResponse(socket.getInputStream());
      assertThat(socket.getInputStream().read()).as("the gateway closed the connection").isEqualTo(-1);
      return response;
    }
  }

  private static String readResponse(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (head.indexOf("\r\n\r\n") < 0) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed in the response head: " + head);
      }
      head.append((char) b);
    }
    Matcher length = Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
    int bodyBytes = length.find() ? Integer.parseInt(length.group(1)) : 0;
    return head + new String(in.readNBytes(bodyBytes), StandardCharsets.UTF_8);
  }

  /** A 413 that tells the client why, in the error JSON of every other refusal, and closes the connection. */
  private static void assertTooLarge(String response) {
    assertThat(response).startsWith("HTTP/1.1 413 ").containsIgnoringCase("connection: close");
    JsonObject error = new JsonObject(response.substring(response.indexOf("\r\n\r\n") + 4));
    assertThat(error.getString("code")).isEqualTo("INVALID_REQUEST");
    assertThat(error.getString("error")).contains("exceeds maximum size of " + LIMIT);
  }

  private static JsonObject echo(String id, int bytes) {
    return call(id, "demo", "echo", new JsonObject().put("message", "x".repeat(bytes)));
  }

  private static String sockJsMessages(JsonObject call) {
    return new JsonArray().add(call.encode()).encode();
  }

  /** The next SockJS message frame ({@code a[...]}) on a raw SockJS WebSocket, skipping open and heartbeat frames. */
  private static JsonObject sockJsMessage(WsClient ws) {
    for (int i = 0; i < 10; i++) {
      String frame = ws.nextText(10_000);
      if (frame.startsWith("a")) {
        return new JsonObject(new JsonArray(frame.substring(1)).getString(0));
      }
    }
    throw new AssertionError("no SockJS message frame");
  }
}
