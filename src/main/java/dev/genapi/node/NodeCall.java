package dev.genapi.node;

import dev.genapi.api.CallInfo;
import dev.genapi.api.FunConfig;
import dev.genapi.api.GenApiException;
import dev.genapi.api.ResponseType;
import dev.genapi.api.StreamSink;
import dev.genapi.protocol.NodeReply;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * One call running on a service node, and the way back to its gateway: the result, stream chunks and errors are
 * sent to the gateway's reply address from the call's own context, so they arrive in the order they were sent.
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
    Buffer data = Json.encodeToBuffer(chunk);
    return onContext(() -> send(NodeReply.chunk(callId, data)));
  }

  void cancel() {
    onContext(() -> {
      if (!cancelled && !ended) {
        cancelled = true;
        if (cancelHandlers != null) {
          cancelHandlers.forEach(Runnable::run);
        }
      }
    });
  }

  /** Sends the result (or the last chunk of a stream) and ends the call. */
  void end(Object result) {
    Buffer data = result == null ? Buffer.buffer() : Json.encodeToBuffer(result);
    onContext(() -> {
      send(NodeReply.end(callId, data));
      ended = true;
    });
  }

  /** Sends the failure and ends the call. */
  void fail(GenApiException failure) {
    onContext(() -> {
      send(NodeReply.failure(callId, failure));
      ended = true;
    });
  }

  private Future<Void> onContext(Runnable action) {
    if (Vertx.currentContext() == context) {
      action.run();
      return Future.succeededFuture();
    }
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      action.run();
      done.complete();
    });
    return done.future();
  }

  private void send(NodeReply reply) {
    if (!cancelled && !ended) {
      eventBus.send(replyAddress, reply);
    }
  }
}
