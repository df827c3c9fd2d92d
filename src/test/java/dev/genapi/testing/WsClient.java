package dev.genapi.testing;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.TimeUnit;

/**
 * A real WebSocket client for tests: sends text frames and hands out every frame received, in order, as futures.
 * Tests in one JVM chain the futures under a {@code VertxTestContext}; the blocking methods ({@link #connect},
 * {@link #send}, {@link #next}, …) wait on the same futures, for tests that script separate JVMs step by step.
 */
public final class WsClient implements AutoCloseable {

  /** How long a frame is waited for unless told otherwise. */
  public static final long FRAME_TIMEOUT_MS = 10_000;

  private final Vertx vertx;
  private final WebSocketClient client;
  private final WebSocket socket;
  private final Queue<String> received = new ArrayDeque<>();
  private final Queue<Promise<String>> waiting = new ArrayDeque<>();
  private final Promise<Short> closed = Promise.promise();

  private WsClient(Vertx vertx, WebSocketClient client, WebSocket socket) {
    this.vertx = vertx;
    this.client = client;
    this.socket = socket;
    socket.textMessageHandler(this::receive);
    socket.closeHandler(v -> closed.tryComplete(socket.closeStatusCode()));
  }

  /** Opens {@code ws://127.0.0.1:<port>/ws} with a bearer token (or none). */
  public static Future<WsClient> open(Vertx vertx, int port, String token) {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/ws");
    if (token != null) {
      options.addHeader("Authorization", "Bearer " + token);
    }
    return open(vertx, new WebSocketClientOptions(), options);
  }

  /** Opens a connection with these client and connect options (a path, headers, frame sizes, compression). */
  public static Future<WsClient> open(Vertx vertx, WebSocketClientOptions clientOptions,
                                      WebSocketConnectOptions options) {
    WebSocketClient client = vertx.createWebSocketClient(clientOptions);
    return client.connect(options)
      .map(socket -> new WsClient(vertx, client, socket))
      .recover(failure -> client.close().transform(closing -> Future.failedFuture(failure)));
  }

  /** Connects to {@code ws://127.0.0.1:<port>/ws}, waiting. */
  public static WsClient connect(Vertx vertx, int port) {
    return connect(vertx, port, null);
  }

  /** Connects to {@code ws://127.0.0.1:<port>/ws} with a bearer token (or none), waiting. */
  public static WsClient connect(Vertx vertx, int port, String token) {
    return TestCluster.await(open(vertx, port, token));
  }

  /** Connects with these client and connect options, waiting. */
  public static WsClient connect(Vertx vertx, WebSocketClientOptions clientOptions, WebSocketConnectOptions options) {
    return TestCluster.await(open(vertx, clientOptions, options));
  }

  /** Writes one text frame. */
  public Future<Void> write(String text) {
    return socket.writeTextMessage(text);
  }

  /** Writes one JSON frame. */
  public Future<Void> write(JsonObject json) {
    return write(json.encode());
  }

  /** Writes one JSON frame and answers the next frame received. */
  public Future<JsonObject> ask(JsonObject json) {
    return write(json).compose(written -> frame());
  }

  /** @return the next frame, failing after {@link #FRAME_TIMEOUT_MS} */
  public Future<JsonObject> frame() {
    return frame(FRAME_TIMEOUT_MS);
  }

  /** @return the next frame, failing after the given time */
  public Future<JsonObject> frame(long timeoutMs) {
    return text(timeoutMs).map(JsonObject::new);
  }

  /** @return the next frame as a JSON array (a Phoenix message) */
  public Future<JsonArray> array() {
    return text(FRAME_TIMEOUT_MS).map(JsonArray::new);
  }

  /** @return the next n frames, failing when one does not come within the given time of the one before */
  public Future<List<JsonObject>> frames(int n, long timeoutMs) {
    List<JsonObject> frames = new ArrayList<>(n);
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < n; i++) {
      chain = chain.compose(v -> frame(timeoutMs)).map(frame -> {
        frames.add(frame);
        return null;
      });
    }
    return chain.map(v -> frames);
  }

  /** @return the next frame's text as sent (a SockJS frame, say), failing after the given time */
  public synchronized Future<String> text(long timeoutMs) {
    String frame = received.poll();
    if (frame != null) {
      return Future.succeededFuture(frame);
    }
    Promise<String> next = Promise.promise();
    waiting.add(next);
    vertx.setTimer(timeoutMs, t -> expire(next, timeoutMs));
    return next.future();
  }

  /** @return the frames received within the given time (possibly none) */
  public Future<List<JsonObject>> quiet(long waitMs) {
    return waitMs <= 0 ? Future.succeededFuture(takeReceived()) : vertx.timer(waitMs).map(v -> takeReceived());
  }

  /** @return the close status the server sent, once it closes, failing after the given time */
  public Future<Short> closed(long timeoutMs) {
    return closed.future().timeout(timeoutMs, TimeUnit.MILLISECONDS)
      .recover(failure -> Future.failedFuture(new AssertionError("still open after " + timeoutMs + " ms")));
  }

  /** Sends one text frame, waiting. */
  public WsClient send(String text) {
    TestCluster.await(write(text));
    return this;
  }

  /** Sends one JSON frame, waiting. */
  public WsClient send(JsonObject json) {
    return send(json.encode());
  }

  /** @return the next frame, waiting up to {@link #FRAME_TIMEOUT_MS} */
  public JsonObject next() {
    return next(FRAME_TIMEOUT_MS);
  }

  /** @return the next frame, waiting up to the given time */
  public JsonObject next(long timeoutMs) {
    return new JsonObject(nextText(timeoutMs));
  }

  /** @return the next frame as a JSON array (a Phoenix message), waiting */
  public JsonArray nextArray() {
    return TestCluster.await(array());
  }

  /** @return the next frame's text as sent, waiting up to the given time */
  public String nextText(long timeoutMs) {
    return TestCluster.await(text(timeoutMs));
  }

  /** @return the next n frames, waiting */
  public List<JsonObject> next(int n, long timeoutMs) {
    return TestCluster.await(frames(n, timeoutMs));
  }

  /** @return frames received within the given time (possibly none), waiting */
  public List<JsonObject> drain(long waitMs) {
    return TestCluster.await(quiet(waitMs));
  }

  /** @return the close status the server sent, waiting up to the given time, or {@code null} when still open */
  public Short closeStatus(long timeoutMs) {
    try {
      return TestCluster.await(closed(timeoutMs));
    } catch (IllegalStateException stillOpen) {
      return null;
    }
  }

  /** @return the socket itself, e.g. to pause reading */
  public WebSocket socket() {
    return socket;
  }

  /** @return the close reason the server sent, or {@code null} */
  public String closeReason() {
    return socket.closeReason();
  }

  /** @return whether the server closed the connection */
  public boolean isClosed() {
    return closed.future().isComplete();
  }

  /** Closes the connection and its client. */
  public Future<Void> shutdown() {
    return client.close();
  }

  @Override
  public void close() {
    TestCluster.await(shutdown());
  }

  /** @return a call frame */
  public static JsonObject call(String id, String service, String requestType, JsonObject args) {
    return new JsonObject().put("request_id", id).put("service", service).put("request_type", requestType)
      .put("args", args);
  }

  private synchronized void receive(String frame) {
    Promise<String> next = waiting.poll();
    if (next == null) {
      received.add(frame);
    } else {
      next.complete(frame);
    }
  }

  private synchronized void expire(Promise<String> next, long timeoutMs) {
    if (waiting.remove(next)) {
      next.fail(new AssertionError("no frame within " + timeoutMs + " ms"));
    }
  }

  private synchronized List<JsonObject> takeReceived() {
    List<JsonObject> frames = received.stream().map(JsonObject::new).toList();
    received.clear();
    return frames;
  }
}
