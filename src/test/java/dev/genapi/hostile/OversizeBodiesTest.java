package dev.genapi.hostile;

import dev.genapi.gateway.GatewayOptions;
import dev.genapi.testing.DemoCluster;
import dev.genapi.testing.Http;
import dev.genapi.testing.LogCapture;
import dev.genapi.testing.WsClient;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
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
@ExtendWith(VertxExtension.class)
class OversizeBodiesTest {

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

  @Test
  @DisplayName("POST /api/call: over the limit 400 INVALID_REQUEST with its request_id; over twice the limit 413")
  void httpBodies(VertxTestContext test) {
    Http http = new Http(cluster.clients(), cluster.port());
    http.exchange(HttpMethod.POST, "/api/call", null, echo("big", LIMIT + 1000).encode())
      .map(refused -> {
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().getString("request_id")).isEqualTo("big");
        assertThat(refused.json().getString("code")).isEqualTo("INVALID_REQUEST");
        return assertThat(refused.json().getString("error")).contains("exceeds maximum size of " + LIMIT);
      })
      .compose(v -> rawPost("/api/call", echo("huge", 3 * LIMIT).encode()))
      .map(OversizeBodiesTest::assertTooLarge)
      .compose(v -> http.exchange(HttpMethod.POST, "/api/call", null, echo("ok", 10).encode()))
      .map(served -> assertThat(served.json().getJsonObject("result").getString("message")).hasSize(10))
      .eventually(http::shutdown)
      .onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("SockJS WebSocket: over the limit INVALID_REQUEST with its request_id; over twice the limit the session ends at once")
  void sockJsWebSocket(VertxTestContext test) {
    WebSocketClientOptions options = new WebSocketClientOptions().setMaxFrameSize(16 * LIMIT)
      .setMaxMessageSize(16 * LIMIT);
    WsClient.open(cluster.clients(), options, new WebSocketConnectOptions()
      .setHost("127.0.0.1").setPort(cluster.port()).setURI("/sockjs/000/oversize/websocket"))
      .compose(ws -> ws.write(sockJsMessages(echo("big", LIMIT + 1000))).compose(v -> sockJsMessage(ws, 0))
        .map(refused -> {
          assertThat(refused.getString("request_id")).isEqualTo("big");
          return assertThat(refused.getString("code")).isEqualTo("INVALID_REQUEST");
        })
        .compose(v -> ws.write(sockJsMessages(echo("ok", 10)))).compose(v -> sockJsMessage(ws, 0))
        .map(served -> assertThat(served.getJsonObject("result").getString("message")).hasSize(10))
        .compose(v -> endsAtOnce(ws, sockJsMessages(echo("huge", 3 * LIMIT))))
        .eventually(ws::shutdown))
      .onComplete(test.succeedingThenComplete());
  }

  /** Writes the text and expects the session closed (any status) within 2 s of the write, not at an idle timeout. */
  private static Future<Void> endsAtOnce(WsClient ws, String text) {
    long sent = System.nanoTime();
    return ws.write(text).compose(v -> ws.closed(10_000))
      .map(status -> {
        assertThat(status).as("closed").isNotNull();
        assertThat(System.nanoTime() - sent).as("closed at once, not at an idle timeout").isLessThan(2_000_000_000L);
        return null;
      });
  }

  @Test
  @DisplayName("SockJS XHR send: over the limit INVALID_REQUEST on the session; over twice the limit 413")
  void sockJsXhrSend(VertxTestContext test) {
    String session = "/sockjs/000/oversize-xhr";
    post(session + "/xhr", null)
      .map(opened -> assertThat(opened.raw().toString()).startsWith("o"))
      .compose(v -> post(session + "/xhr_send", sockJsMessages(echo("big", LIMIT + 1000))))
      .map(sent -> assertThat(sent.status()).isEqualTo(204))
      .compose(v -> post(session + "/xhr", null))
      .map(polled -> {
        String text = polled.raw().toString();
        JsonObject refused = new JsonObject(new JsonArray(text.substring(1).trim()).getString(0));
        assertThat(refused.getString("request_id")).isEqualTo("big");
        return assertThat(refused.getString("code")).isEqualTo("INVALID_REQUEST");
      })
      .compose(v -> rawPost(session + "/xhr_send", sockJsMessages(echo("huge", 3 * LIMIT))))
      .map(OversizeBodiesTest::assertTooLarge)
      .onComplete(test.succeedingThenComplete());
  }

  /** One POST on a connection of its own: SockJS may close a polling connection that a pooled client would reuse. */
  private static Future<Http.Reply> post(String path, String body) {
    Http http = new Http(cluster.clients(), cluster.port());
    return http.exchange(HttpMethod.POST, path, null, body).eventually(http::shutdown);
  }

  /**
   * Posts the whole body over a plain TCP connection and returns the response. The gateway refuses an oversize body
   * from its Content-Length and may close the connection before the client finished writing; an HTTP client library
   * can then report the closed connection instead of the 413 that reached the socket.
   *
   * @return the whole response: status line, headers and the body its Content-Length announces, once the gateway
   *   closed the connection (within 10 s) with nothing after it
   */
  private static Future<String> rawPost(String path, String body) {
    Buffer bytes = Buffer.buffer(body);
    NetClient net = cluster.clients().createNetClient();
    return net.connect(cluster.port(), "127.0.0.1").compose(socket -> {
      Future<Buffer> received = receivedUntilClosed(socket);
      socket.write("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + "Content-Length: " + bytes.length() + "\r\n\r\n");
      // the answer may be sent, and the connection closed, while the body is still being written
      socket.write(bytes);
      return received.timeout(10, TimeUnit.SECONDS)
        .recover(failure -> Future.failedFuture(new AssertionError("the gateway kept the connection open", failure)));
    }).map(OversizeBodiesTest::wholeResponse).eventually(net::close);
  }

  private static Future<Buffer> receivedUntilClosed(NetSocket socket) {
    Buffer received = Buffer.buffer();
    Promise<Buffer> closed = Promise.promise();
    socket.handler(received::appendBuffer);
    socket.exceptionHandler(closedWhileWriting -> { });
    socket.closeHandler(v -> closed.tryComplete(received));
    return closed.future();
  }

  /** @return the response head and the body its Content-Length announces, failing when anything else came */
  private static String wholeResponse(Buffer received) {
    String bytes = received.toString(StandardCharsets.ISO_8859_1);
    int headEnd = bytes.indexOf("\r\n\r\n");
    if (headEnd < 0) {
      throw new AssertionError("connection closed in the response head: " + bytes);
    }
    String head = bytes.substring(0, headEnd + 4);
    Matcher length = Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
    int bodyBytes = length.find() ? Integer.parseInt(length.group(1)) : 0;
    assertThat(received.length()).as("the gateway closed the connection after the response")
      .isEqualTo(head.length() + bodyBytes);
    return head + received.getBuffer(head.length(), head.length() + bodyBytes).toString(StandardCharsets.UTF_8);
  }

  /** A 413 that tells the client why, in the error JSON of every other refusal, and closes the connection. */
  private static Void assertTooLarge(String response) {
    assertThat(response).startsWith("HTTP/1.1 413 ").containsIgnoringCase("connection: close");
    JsonObject error = new JsonObject(response.substring(response.indexOf("\r\n\r\n") + 4));
    assertThat(error.getString("code")).isEqualTo("INVALID_REQUEST");
    assertThat(error.getString("error")).contains("exceeds maximum size of " + LIMIT);
    return null;
  }

  private static JsonObject echo(String id, int bytes) {
    return call(id, "demo", "echo", new JsonObject().put("message", "x".repeat(bytes)));
  }

  private static String sockJsMessages(JsonObject call) {
    return new JsonArray().add(call.encode()).encode();
  }

  /** The next SockJS message frame ({@code a[...]}) on a raw SockJS WebSocket, skipping open and heartbeat frames. */
  private static Future<JsonObject> sockJsMessage(WsClient ws, int skipped) {
    if (skipped == 10) {
      return Future.failedFuture(new AssertionError("no SockJS message frame"));
    }
    return ws.text(10_000).compose(frame -> frame.startsWith("a")
      ? Future.succeededFuture(new JsonObject(new JsonArray(frame.substring(1)).getString(0)))
      : sockJsMessage(ws, skipped + 1));
  }
}
