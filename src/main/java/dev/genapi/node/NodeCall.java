package dev.genapi.node;

import dev.genapi.api.CallInfo;
import dev.genapi.api.ErrorCode;
import dev.genapi.api.FunConfig;
import dev.genapi.api.GenApiException;
import dev.genapi.api.ResponseType;
import dev.genapi.api.StreamSink;
import dev.genapi.metrics.Tracing;
import dev.genapi.protocol.NodeCallRequest;
import dev.genapi.protocol.NodeReply;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
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
 * One call running on a service node, and the way back to the gateways waiting for it: the result, stream chunks and
 * errors are sent to the gateway's reply address from the call's own context, so they arrive in the order they were
 * sent; repeats of the call ({@link CallTable}) get the same end. A stream sends at most
 * {@link NodeCallRequest#STREAM_WINDOW} chunks more than its gateway granted; further chunks, and the end behind them,
 * wait here for the gateway's credits. Once no gateway waits for the call any more (they cancelled, or left the
 * cluster) it stops: {@link #cancelled()} turns true, the chunks still waiting are dropped and the onCancel handlers
 * run.
 */
final class NodeCall implements CallInfo, StreamSink {

  private final FunConfig function;
  private final NodeCallRequest request;
  private final JsonObject body;
  private final CallTable table;
  private final io.vertx.core.Context context;
  private final EventBus eventBus;
  private final boolean stream;
  // whether the gateway that sent the call still waits for it; repeats wait too
  private boolean waited = true;
  private List<NodeCallRequest> repeats;
  private boolean cancelled;
  private boolean ended;
  private NodeReply last;
  private RecentCalls.Entry recent;
  private List<Runnable> cancelHandlers;
  private int credits = NodeCallRequest.STREAM_WINDOW;
  // replies waiting for credits, in order: chunks, then possibly the end or the failure
  private ArrayDeque<Waiting> waiting;
  private Span span = Span.getInvalid();

  private record Waiting(NodeReply reply, Promise<Void> sent) {
  }

  NodeCall(FunConfig function, NodeCallRequest request, JsonObject body, Vertx vertx, CallTable table) {
    this.function = function;
    this.request = request;
    this.body = body;
    this.table = table;
    this.context = vertx.getOrCreateContext();
    this.eventBus = vertx.eventBus();
    this.stream = function.responseType() == ResponseType.STREAM;
  }

  @Override public String requestId() { return body.getValue("request_id") instanceof String id ? id : null; }
  @Override public String service() { return function.service(); }
  @Override public String requestType() { return function.requestType(); }
  @Override public String version() { return function.version(); }
  @Override public String userId() { return function.requestInfo() ? request.userId() : null; }
  @Override public String deviceId() { return function.requestInfo() ? request.deviceId() : null; }
  @Override public long deadline() { return request.deadline(); }
  @Override public boolean cancelled() { return cancelled; }
  @Override public Context traceContext() { return Tracing.contextOf(span); }

  @Override
  public JsonObject args() {
    JsonObject args = body.getJsonObject("args");
    return args == null ? new JsonObject() : args;
  }

  /** @return the call as its gateway sent it: its call id, reply address and caller */
  NodeCallRequest request() { return request; }

  FunConfig function() { return function; }

  RecentCalls.Entry recent() { return recent; }

  /** Traces the call's run in that span, ended with the call. */
  void trace(Span running) { span = running; }

  void recent(RecentCalls.Entry entry) { recent = entry; }

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
    NodeReply reply = NodeReply.chunk(request.callId(), Json.encodeToBuffer(chunk));
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
          send(next.reply());
        } else {
          over(next.reply());
        }
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

  /** A repeat of this call: it gets this call's end (at once when the call already ended). */
  void follow(NodeCallRequest repeat) {
    onContext(() -> {
      if (!cancelled && !ended) {
        if (repeats == null) {
          repeats = new ArrayList<>(1);
        }
        repeats.add(repeat);
        return;
      }
      table.left(repeat.callId());
      eventBus.send(repeat.replyTo(), ended ? last.forCall(repeat.callId())
        : NodeReply.refused(repeat.callId(), GenApiException.unavailable(function.service())));
    });
  }

  /** The gateway of that call id no longer waits (it cancelled); the call stops when no gateway waits. */
  void detach(String callId) {
    onContext(() -> leave(callId));
  }

  /** Detaches that call id if its gateway's reply address starts with the prefix (the gateway left the cluster). */
  void detachIfFrom(String callId, String addressPrefix) {
    onContext(() -> {
      NodeCallRequest waiter = callId.equals(request.callId()) ? request : repeat(callId);
      if (waiter != null && waiter.replyTo().startsWith(addressPrefix)) {
        leave(callId);
      }
    });
  }

  private NodeCallRequest repeat(String callId) {
    if (repeats != null) {
      for (NodeCallRequest repeat : repeats) {
        if (repeat.callId().equals(callId)) {
          return repeat;
        }
      }
    }
    return null;
  }

  private void leave(String callId) {
    if (cancelled || ended) {
      return;
    }
    if (callId.equals(request.callId())) {
      waited = false;
    } else if (repeats != null) {
      repeats.removeIf(repeat -> repeat.callId().equals(callId));
    }
    table.left(callId);
    if (!waited && (repeats == null || repeats.isEmpty())) {
      stop();
    }
  }

  private void stop() {
    cancelled = true;
    Tracing.end(span, ErrorCode.CANCELLED.name());
    dropWaiting();
    table.over(this, null);
    if (cancelHandlers != null) {
      cancelHandlers.forEach(Runnable::run);
    }
  }

  /** Sends the result (or the last chunk of a stream) and ends the call, behind the chunks still waiting. */
  void end(Object result) {
    Buffer data = result == null ? Buffer.buffer() : Json.encodeToBuffer(result);
    finish(NodeReply.end(request.callId(), data));
  }

  /** Sends the failure and ends the call, behind the chunks still waiting. */
  void fail(GenApiException failure) {
    finish(NodeReply.failure(request.callId(), failure));
  }

  private void finish(NodeReply reply) {
    onContext(() -> {
      if (waiting != null) {
        queue(reply, Promise.promise());
      } else {
        over(reply);
      }
    });
  }

  // the end goes to every gateway that waits: the call's own, and the repeats'
  private void over(NodeReply reply) {
    if (cancelled || ended) {
      return;
    }
    ended = true;
    last = reply;
    Tracing.end(span, reply.kind() == NodeReply.Kind.END ? null : reply.failure().code().name());
    if (waited) {
      eventBus.send(request.replyTo(), reply);
    }
    table.left(request.callId());
    if (repeats != null) {
      for (NodeCallRequest repeat : repeats) {
        eventBus.send(repeat.replyTo(), reply.forCall(repeat.callId()));
        table.left(repeat.callId());
      }
    }
    table.over(this, reply);
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
      eventBus.send(request.replyTo(), reply);
    }
  }
}
