package dev.genapi.node;

import dev.genapi.api.CallInfo;
import dev.genapi.api.FunConfig;
import dev.genapi.api.GenApiException;
import dev.genapi.api.StreamSink;
import dev.genapi.cluster.Addresses;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * One call running on a service node. For streams it is also the sink: chunks, the end and errors are sent to the
 * gateway's stream address from the call's own context, so they arrive in order.
 */
final class NodeCall implements CallInfo, StreamSink {

  private final FunConfig function;
  private final JsonObject body;
  private final String userId;
  private final String deviceId;
  private final long deadline;
  private final Context context;
  private final EventBus eventBus;
  private final String streamAddress;
  private final DeliveryOptions streamHeaders;
  private boolean cancelled;
  private boolean ended;
  private List<Runnable> cancelHandlers;

  NodeCall(FunConfig function, JsonObject body, String userId, String deviceId, long deadline, Vertx vertx,
           String streamAddress, String callId) {
    this.function = function;
    this.body = body;
    this.userId = userId;
    this.deviceId = deviceId;
    this.deadline = deadline;
    this.context = vertx.getOrCreateContext();
    this.eventBus = vertx.eventBus();
    this.streamAddress = streamAddress;
    this.streamHeaders = new DeliveryOptions().addHeader(Addresses.HEADER_CALL, callId == null ? "" : callId);
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
    if (streamAddress == null) {
      throw new IllegalStateException(function.requestType() + " is not a stream function");
    }
    return this;
  }

  @Override
  public Future<Void> write(Object chunk) {
    Buffer data = Json.encodeToBuffer(chunk);
    return onContext(() -> send(Addresses.STREAM_CHUNK, data));
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

  void endStream(Object last) {
    Buffer data = last == null ? Buffer.buffer() : Json.encodeToBuffer(last);
    onContext(() -> {
      send(Addresses.STREAM_END, data);
      ended = true;
    });
  }

  void failStream(GenApiException failure) {
    onContext(() -> {
      send(Addresses.STREAM_ERROR, failure);
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

  private void send(String event, Object message) {
    if (!cancelled && !ended) {
      DeliveryOptions options = new DeliveryOptions(streamHeaders).addHeader(Addresses.HEADER_STREAM_EVENT, event);
      eventBus.send(streamAddress, message, options);
    }
  }
}
