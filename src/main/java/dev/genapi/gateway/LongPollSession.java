package dev.genapi.gateway;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * One Phoenix LongPoll client: the {@link ClientSession} its frames drive, the frames waiting for its next poll, and
 * the poll held open meanwhile. A poll takes every waiting frame at once (status {@code 200}), or waits up to the
 * window for one and answers {@code 204}; a frame counts against the session's byte budget until a poll carried it.
 * Every answer is HTTP 200 with the Phoenix status in the body, as the {@code phoenix} client reads it. Everything
 * runs on the context the session was opened on; requests that reach it from another event loop hop there.
 */
final class LongPollSession {

  private record Waiting(String frame, Promise<Void> delivered) {
  }

  private final Context context;
  private final String token;
  private final long windowMs;
  private final Runnable onClose;
  private List<Waiting> waiting = new ArrayList<>();
  private ClientSession session;
  private ConnectionFlow flow;
  private HttpServerResponse held;
  private long heldTimer = -1;
  private long lastPoll = System.currentTimeMillis();
  private boolean closed;

  /**
   * @param token the session's secret name, in the client's {@code token} parameter
   * @param onClose told once when the session closes
   */
  LongPollSession(Context context, String token, long windowMs, Runnable onClose) {
    this.context = context;
    this.token = token;
    this.windowMs = windowMs;
    this.onClose = onClose;
  }

  /** Attaches the protocol session and the flow that counts its bytes; on the session's context. */
  void attach(ClientSession protocol, ConnectionFlow bytes) {
    this.session = protocol;
    this.flow = bytes;
  }

  String token() {
    return token;
  }

  /** @return the link the session's {@link ConnectionFlow} writes to: frames wait for a poll */
  ClientLink link() {
    return ClientLink.unpausable(this::queue, (code, reason) -> close());
  }

  /** A poll: answers the waiting frames now, or holds the response until one comes or the window ends. */
  void poll(HttpServerResponse response) {
    onContext(() -> {
      if (closed) {
        answer(response, 410, null);
        return;
      }
      lastPoll = System.currentTimeMillis();
      release(204);
      if (!waiting.isEmpty()) {
        deliver(response);
        return;
      }
      held = response;
      heldTimer = context.owner().setTimer(windowMs, id -> {
        heldTimer = -1;
        release(204);
      });
      response.closeHandler(v -> {
        if (held == response) {
          held = null;
          cancelHeldTimer();
        }
      });
    });
  }

  /** A send: each line of the body is one frame (at most {@code maxFrames}), handled in order. */
  void send(Buffer body, int maxFrames, HttpServerResponse response) {
    onContext(() -> {
      if (closed) {
        answer(response, 410, null);
        return;
      }
      String[] lines = body.toString().split("\n", maxFrames + 1);
      for (int i = 0; i < Math.min(lines.length, maxFrames); i++) {
        if (!lines[i].isBlank()) {
          session.onFrame(Buffer.buffer(lines[i]));
        }
      }
      answer(response, 200, null);
    });
  }

  /** @return whether the client has had no poll open for that long (a held poll counts as open) */
  boolean idleFor(long ms) {
    return held == null && System.currentTimeMillis() - lastPoll > ms;
  }

  ClientSession session() {
    return session;
  }

  /** Ends the session: a held poll answers {@code 410}, calls in flight are abandoned. */
  void close() {
    onContext(() -> {
      if (closed) {
        return;
      }
      closed = true;
      release(410);
      waiting.forEach(w -> w.delivered().tryComplete());
      waiting = List.of();
      flow.closed();
      session.onClose();
      onClose.run();
    });
  }

  private Future<Void> queue(String frame) {
    if (closed) {
      return Future.failedFuture("closed");
    }
    Promise<Void> delivered = Promise.promise();
    waiting.add(new Waiting(frame, delivered));
    if (held != null) {
      HttpServerResponse response = held;
      held = null;
      lastPoll = System.currentTimeMillis();
      cancelHeldTimer();
      // frames written in the same turn go in the same answer
      context.runOnContext(v -> deliver(response));
    }
    return delivered.future();
  }

  private void deliver(HttpServerResponse response) {
    if (waiting.isEmpty()) {
      answer(response, 204, null);
      return;
    }
    List<Waiting> sent = waiting;
    waiting = new ArrayList<>();
    JsonArray messages = new JsonArray(new ArrayList<>(sent.size()));
    sent.forEach(w -> messages.add(w.frame()));
    answer(response, 200, messages).onComplete(r -> sent.forEach(w -> w.delivered().tryComplete()));
  }

  private void release(int status) {
    if (held != null) {
      HttpServerResponse response = held;
      held = null;
      lastPoll = System.currentTimeMillis();
      cancelHeldTimer();
      answer(response, status, null);
    }
  }

  private Future<Void> answer(HttpServerResponse response, int status, JsonArray messages) {
    if (response.ended() || response.closed()) {
      return Future.failedFuture("gone");
    }
    JsonObject body = new JsonObject().put("status", status).put("token", token)
      .put("messages", messages == null ? new JsonArray() : messages);
    return LongPollTransport.json(response, body);
  }

  private void cancelHeldTimer() {
    if (heldTimer != -1) {
      context.owner().cancelTimer(heldTimer);
      heldTimer = -1;
    }
  }

  private void onContext(Runnable action) {
    if (Vertx.currentContext() == context) {
      action.run();
    } else {
      context.runOnContext(v -> action.run());
    }
  }
}
