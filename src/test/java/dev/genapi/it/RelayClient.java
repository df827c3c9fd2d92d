package dev.genapi.it;

import dev.genapi.testing.WsClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A native WebSocket client of the {@code relay} service: calls answer their frame, and the relay messages that
 * arrive meanwhile are kept for {@link #received}. Tests in one JVM chain its futures ({@link #exchange},
 * {@link #succeeds}, {@link #refused}, {@link #received}, {@link #quiet}); the blocking methods ({@link #call},
 * {@link #ok}, {@link #fails}, {@link #messages}, {@link #pending}) wait on the same futures, for tests that script
 * separate JVMs.
 */
final class RelayClient implements AutoCloseable {

  private final WsClient ws;
  private final Queue<JsonObject> pushes = new ConcurrentLinkedQueue<>();
  private final AtomicInteger calls = new AtomicInteger();

  /** Connects, waiting. */
  RelayClient(Vertx vertx, int port, String token) {
    this(WsClient.connect(vertx, port, token));
  }

  private RelayClient(WsClient ws) {
    this.ws = ws;
  }

  /** @return a client of the relay on that gateway port, once connected with the token */
  static Future<RelayClient> open(Vertx vertx, int port, String token) {
    return WsClient.open(vertx, port, token).map(RelayClient::new);
  }

  /** @return the answer to one relay call (relay messages that arrive before it are kept) */
  Future<JsonObject> exchange(String requestType, JsonObject args) {
    String id = "c" + calls.incrementAndGet();
    return ws.write(WsClient.call(id, "relay", requestType, args)).compose(v -> answerTo(id));
  }

  private Future<JsonObject> answerTo(String id) {
    return ws.frame().compose(frame -> {
      if (frame.containsKey("push")) {
        pushes.add(frame);
        return answerTo(id);
      }
      assertThat(frame.getString("request_id")).isEqualTo(id);
      return Future.succeededFuture(frame);
    });
  }

  /** @return the result of a call that must succeed */
  Future<JsonObject> succeeds(String requestType, JsonObject args) {
    return exchange(requestType, args).map(frame -> {
      assertThat(frame.getBoolean("success")).as("%s %s: %s", requestType, args, frame).isTrue();
      return frame.getJsonObject("result");
    });
  }

  /** @return done once a call failed with that code and error text, not to be retried */
  Future<Void> refused(String requestType, JsonObject args, String code, String error) {
    return exchange(requestType, args).map(frame -> {
      assertThat(frame.getString("code")).as("%s %s: %s", requestType, args, frame).isEqualTo(code);
      assertThat(frame.getString("error")).isEqualTo(error);
      assertThat(frame.getBoolean("can_retry")).isFalse();
      return null;
    });
  }

  /** @return the next n relay messages */
  Future<List<JsonObject>> received(int n) {
    List<JsonObject> list = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < n; i++) {
      chain = chain.compose(v -> {
        JsonObject kept = pushes.poll();
        return (kept == null ? ws.frame() : Future.succeededFuture(kept)).map(list::add);
      }).mapEmpty();
    }
    return chain.map(v -> list);
  }

  /** @return the relay messages already kept and those that arrive within the time */
  Future<List<JsonObject>> quiet(long waitMs) {
    List<JsonObject> list = new ArrayList<>();
    for (JsonObject kept = pushes.poll(); kept != null; kept = pushes.poll()) {
      list.add(kept);
    }
    return ws.quiet(waitMs).map(more -> {
      list.addAll(more);
      return list;
    });
  }

  /** Closes the connection and its client. */
  Future<Void> shutdown() {
    return ws.shutdown();
  }

  /** @return the answer to one relay call, waiting */
  JsonObject call(String requestType, JsonObject args) {
    return await(exchange(requestType, args));
  }

  /** @return the result of a call that must succeed, waiting */
  JsonObject ok(String requestType, JsonObject args) {
    return await(succeeds(requestType, args));
  }

  /** Asserts a call fails with that code and error text, waiting. */
  void fails(String requestType, JsonObject args, String code, String error) {
    await(refused(requestType, args, code, error));
  }

  /** @return the next n relay messages, waiting */
  List<JsonObject> messages(int n) {
    return await(received(n));
  }

  /** @return the relay messages that arrive within the time, besides those already kept, waiting */
  List<JsonObject> pending(long waitMs) {
    return await(quiet(waitMs));
  }

  static JsonObject group(String groupId) {
    return new JsonObject().put("group_id", groupId);
  }

  static JsonObject target(String groupId, String userId) {
    return group(groupId).put("user_id", userId);
  }

  @Override
  public void close() {
    ws.close();
  }

  /** Waits up to 60 s, failing with the future's own AssertionError or exception, as the blocking calls did. */
  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof AssertionError assertion) {
        throw assertion;
      }
      throw new IllegalStateException("a relay call failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting on a relay call", e);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("a relay call did not finish within 60 s", e);
    }
  }
}
