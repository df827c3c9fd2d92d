package dev.genapi.node;

import dev.genapi.api.CallInfo;
import dev.genapi.api.FunConfig;
import dev.genapi.api.GenApiException;
import dev.genapi.api.ResponseType;
import dev.genapi.api.StreamSink;
import dev.genapi.protocol.NodeCallRequest;
import dev.genapi.protocol.NodeReply;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One call running on a service node, and the way back to its gateway: the result, stream chunks and errors are
 * sent to the gateway's reply address from the call's own context, so they arrive in the order they were sent. A
 * stream sends at most {@link NodeCallRequest#STREAM_WINDOW} chunks more than its gateway granted; further chunks,
 * and the end behind them, wait here for the gateway's credits.
 */
final class NodeCall implements CallInfo, StreamSink {

  private final FunConfig function;
  private final JsonObject body;
  private final String userId;
  private final String deviceId;
  private final long deadline;
  private final Context context;
  private final EventBus eventBus;
  private final boolean stream;
  private final String replyAddress;
  private final String callId;
  private boolean cancelled;
  private boolean ended;
  private List<Runnable> cancelHandlers;
  private int credits = NodeCallRequest.STREAM_WINDOW;
  // replies waiting for credits, in order: chunks, then possibly the end or the failure
  private ArrayDeque<Waiting> waiting;

  private record Waiting(NodeReply reply, Promise<Void> sent) {
  }

  NodeCall(FunConfig function, JsonObject body, String userId, String deviceId, long deadline, Vertx vertx,
           String replyAddress, String callId) {
    this.function = function;
    this.body = body;
    this.userId = userId;
    this.deviceId = deviceId;
    this.deadline = deadline;
    this.context = vertx.getOrCreateContext();
    this.eventBus = vertx.eventBus();
    this.stream = function.responseType() == ResponseType.STREAM;
    this.replyAddress = replyAddress;
    this.callId = callId;
  }

  @Override public String requestId() { return body.getString("request_id"); }
  @Override public String service() { return function.service(); }
  @Override public String requestType() { return function.requestType(); }
  @Override public String version() { return function.version(); }
  @Override public String userId() { return userId; }
  @Override public String deviceId() { return deviceId; }
  @Override public long deadline() { return deadline; }
  @Override public boolean cancelled() { return cancelled; }

  @Override
  public JsonObject args() {
    JsonObject args = body.getJsonObject("args");
    return args == null ? new JsonObject() : args;
  }

  @Override
  public void onCancel(Runnable handler) {
    if (cancelHandlers == null) {
      cancelHandlers = new ArrayList<>(1);
    }
    cancelHandlers.add(handler);
  }

  @Override
  public StreamSink stream() {
    if (!stream) {
      throw new IllegalStateException(function.requestType() + " is not a stream function");
    }
    return this;
  }

  @Override
  public Future<Void> write(Object chunk) {
    Promise<Void> sent = Promise.promise();
    NodeReply reply = NodeReply.chunk(callId, Json.encodeToBuffer(chunk));
    onContext(() -> {
      if (credits > 0 && waiting == null) {
        credits--;
        send(reply);
        sent.complete();
      } else {
        queue(reply, sent);
      }
    });
    return sent.future();
  }

  @Override
  public boolean writeQueueFull() {
    return credits == 0 || waiting != null;
  }

  /** The gateway took chunks: this many more may go. */
  void credit(int granted) {
    onContext(() -> {
      credits += granted;
      while (waiting != null && (credits > 0 || waiting.peek().reply().kind() != NodeReply.Kind.CHUNK)) {
        Waiting next = waiting.poll();
        if (waiting.isEmpty()) {
          waiting = null;
        }
        if (next.reply().kind() == NodeReply.Kind.CHUNK) {
          credits--;
        }
        send(next.reply());
        ended = next.reply().kind() != NodeReply.Kind.CHUNK;
        next.sent().complete();
      }
    });
  }

  private void queue(NodeReply reply, Promise<Void> sent) {
    if (cancelled || ended) {
      sent.complete();
      return;
    }
    if (waiting == null) {
      waiting = new ArrayDeque<>();
    }
    waiting.add(new Waiting(reply, sent));
  }

  void cancel() {
    onContext(() -> {
      if (!cancelled && !ended) {
        cancelled = true;
        dropWaiting();
        if (cancelHandlers != null) {
          cancelHandlers.forEach(Runnable::run);
        }
      }
    });
  }

  /**
   * Sends the result (or the last chunk of a stream) and ends the call, behind the chunks still waiting.
   *
   * @return completed once the call is over: its end sent, or dropped as the call was cancelled
   */
  Future<Void> end(Object result) {
    Buffer data = result == null ? Buffer.buffer() : Json.encodeToBuffer(result);
    return finish(NodeReply.end(callId, data));
  }

  /** Sends the failure and ends the call, behind the chunks still waiting; completed once the call is over. */
  Future<Void> fail(GenApiException failure) {
    return finish(NodeReply.failure(callId, failure));
  }

  private Future<Void> finish(NodeReply last) {
    Promise<Void> over = Promise.promise();
    onContext(() -> {
      if (waiting != null) {
        queue(last, over);
      } else {
        send(last);
        ended = true;
        over.complete();
      }
    });
    return over.future();
  }

  private void dropWaiting() {
    if (waiting != null) {
      ArrayDeque<Waiting> dropped = waiting;
      waiting = null;
      dropped.forEach(w -> w.sent().complete());
    }
  }

  private void onContext(Runnable action) {
    if (Vertx.currentContext() == context) {
      action.run();
    } else {
      context.runOnContext(v -> action.run());
    }
  }

  private void send(NodeReply reply) {
    if (!cancelled && !ended) {
      eventBus.send(replyAddress, reply);
    }
  }
}
