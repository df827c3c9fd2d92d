package dev.genapi.testing;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real WebSocket client for tests: sends text frames and queues every frame received.
 */
public final class WsClient implements AutoCloseable {

  private final WebSocketClient client;
  private final WebSocket socket;
  private final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
  private volatile boolean closed;
  private volatile Short closeStatus;

  private WsClient(WebSocketClient client, WebSocket socket) {
    this.client = client;
    this.socket = socket;
    socket.textMessageHandler(frames::add);
    socket.closeHandler(v -> {
      closeStatus = socket.closeStatusCode();
      closed = true;
    });
  }

  /** Connects to {@code ws://127.0.0.1:<port>/ws}. */
  public static WsClient connect(Vertx vertx, int port) {
    return connect(vertx, port, null);
  }

  /** Connects to {@code ws://127.0.0.1:<port>/ws} with a bearer token (or none). */
  public static WsClient connect(Vertx vertx, int port, String token) {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/ws");
    if (token != null) {
      options.addHeader("Authorization", "Bearer " + token);
    }
    return connect(vertx, new WebSocketClientOptions(), options);
  }

  /** Connects with these client and connect options (a path, headers, frame sizes, compression). */
  public static WsClient connect(Vertx vertx, WebSocketClientOptions clientOptions, WebSocketConnectOptions options) {
    WebSocketClient client = vertx.createWebSocketClient(clientOptions);
    try {
      return new WsClient(client, TestCluster.await(client.connect(options)));
    } catch (RuntimeException e) {
      TestCluster.await(client.close());
      throw e;
    }
  }

  /** Sends one text frame. */
  public WsClient send(String text) {
    TestCluster.await(socket.writeTextMessage(text));
    return this;
  }

  /** Sends one JSON frame. */
  public WsClient send(JsonObject json) {
    return send(json.encode());
  }

  /** @return the next frame, waiting up to 10 s */
  public JsonObject next() {
    return next(10_000);
  }

  /** @return the next frame, waiting up to the given time */
  public JsonObject next(long timeoutMs) {
    return new JsonObject(nextText(timeoutMs));
  }

  /** @return the next frame as a JSON array (a Phoenix message), waiting up to 10 s */
  public JsonArray nextArray() {
    return new JsonArray(nextText(10_000));
  }

  /** @return the next frame's text as sent (a SockJS frame, say), waiting up to the given time */
  public String nextText(long timeoutMs) {
    try {
      String frame = frames.poll(timeoutMs, TimeUnit.MILLISECONDS);
      if (frame == null) {
        throw new AssertionError("no frame within " + timeoutMs + " ms");
      }
      return frame;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** @return the next n frames */
  public List<JsonObject> next(int n, long timeoutMs) {
    List<JsonObject> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      list.add(next(timeoutMs));
    }
    return list;
  }

  /** @return frames received within the given time (possibly none) */
  public List<JsonObject> drain(long waitMs) {
    try {
      Thread.sleep(waitMs);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<String> pending = new ArrayList<>();
    frames.drainTo(pending);
    return pending.stream().map(JsonObject::new).toList();
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
    return closed;
  }

  /** @return the close status the server sent, waiting up to the given time, or {@code null} when still open */
  public Short closeStatus(long timeoutMs) {
    long end = System.currentTimeMillis() + timeoutMs;
    while (!closed && System.currentTimeMillis() < end) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return closeStatus;
  }

  @Override
  public void close() {
    TestCluster.await(client.close());
  }

  /** @return a call frame */
  public static JsonObject call(String id, String service, String requestType, JsonObject args) {
    return new JsonObject().put("request_id", id).put("service", service).put("request_type", requestType)
      .put("args", args);
  }
}
