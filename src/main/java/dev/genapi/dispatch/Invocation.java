package dev.genapi.dispatch;

import dev.genapi.api.FunConfig;
import dev.genapi.api.GenApiException;
import dev.genapi.api.ResponseType;
import dev.genapi.cluster.Addresses;
import dev.genapi.protocol.RawJson;
import dev.genapi.protocol.Request;
import dev.genapi.protocol.Response;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;

/**
 * One call sent to one node: the event-bus request, the frames it produces, its timeout and its cancellation. All
 * state changes run on the connection's context.
 */
final class Invocation implements InFlightCall {

  private final Pipeline pipeline;
  private final Request request;
  private final FunConfig function;
  private final String node;
  private final ResponseSink sink;
  private final Context context;
  private final String callId;
  private long streamTimer = -1;
  private boolean done;

  Invocation(Pipeline pipeline, Request request, FunConfig function, String node, ResponseSink sink, Context context) {
    this.pipeline = pipeline;
    this.request = request;
    this.function = function;
    this.node = node;
    this.sink = sink;
    this.context = context;
    ResponseType type = function.responseType();
    this.callId = type == ResponseType.ASYNC || type == ResponseType.STREAM ? pipeline.streams().nextCallId() : null;
  }

  void start() {
    DeliveryOptions options = new DeliveryOptions()
      .setSendTimeout(function.timeout())
      .addHeader(Addresses.HEADER_ACTION, Addresses.ACTION_CALL)
      .addHeader(Addresses.HEADER_FUNCTION, function.key())
      .addHeader(Addresses.HEADER_DEADLINE, Long.toString(System.currentTimeMillis() + function.timeout()));
    if (request.userId() != null) {
      options.addHeader(Addresses.HEADER_USER, request.userId());
    }
    if (request.deviceId() != null) {
      options.addHeader(Addresses.HEADER_DEVICE, request.deviceId());
    }
    if (callId != null) {
      options.addHeader(Addresses.HEADER_CALL, callId);
    }
    switch (function.responseType()) {
      case ASYNC -> sink.send(Response.ack(request.requestId()), false);
      case STREAM -> startStream(options);
      default -> { }
    }
    pipeline.vertx().eventBus().<Buffer>request(Addresses.node(node), request.raw(), options).onComplete(this::onReply);
  }

  @Override
  public void cancel() {
    onContext(() -> {
      if (finish()) {
        sink.send(Response.error(request.requestId(), GenApiException.cancelled(), false), true);
        tellNodeToCancel();
      }
    });
  }

  @Override
  public void abandon() {
    onContext(() -> {
      if (finish()) {
        tellNodeToCancel();
      }
    });
  }

  void onStreamMessage(boolean end, Buffer body) {
    onContext(() -> {
      if (done) {
        return;
      }
      if (end) {
        finish();
        sink.send(Response.streamEnd(request.requestId(), new RawJson(body)), true);
      } else {
        sink.send(Response.chunk(request.requestId(), new RawJson(body)), false);
      }
    });
  }

  void onStreamFailure(GenApiException failure) {
    onContext(() -> fail(failure));
  }

  private void startStream(DeliveryOptions options) {
    options.addHeader(Addresses.HEADER_STREAM, pipeline.streams().address());
    pipeline.streams().open(callId, this);
    sink.send(Response.streamInit(request.requestId()), false);
    streamTimer = pipeline.vertx().setTimer(function.timeout(), id -> {
      streamTimer = -1;
      if (!done) {
        fail(GenApiException.timeout(function.timeout()));
        tellNodeToCancel();
      }
    });
  }

  private void onReply(AsyncResult<Message<Buffer>> reply) {
    if (done) {
      return;
    }
    if (reply.failed()) {
      fail(pipeline.toFailure(reply.cause(), function, node));
      return;
    }
    switch (function.responseType()) {
      case STREAM -> { }
      case NONE -> finish();
      default -> {
        finish();
        sink.send(Response.ok(request.requestId(), new RawJson(reply.result().body())), true);
      }
    }
  }

  private void fail(GenApiException failure) {
    if (finish()) {
      sink.send(Response.error(request.requestId(), failure, pipeline.detailErrors()), true);
    }
  }

  private boolean finish() {
    if (done) {
      return false;
    }
    done = true;
    if (callId != null) {
      pipeline.streams().close(callId);
    }
    if (streamTimer != -1) {
      pipeline.vertx().cancelTimer(streamTimer);
    }
    return true;
  }

  private void tellNodeToCancel() {
    if (callId != null) {
      pipeline.vertx().eventBus().send(Addresses.node(node), Buffer.buffer(), new DeliveryOptions()
        .addHeader(Addresses.HEADER_ACTION, Addresses.ACTION_CANCEL).addHeader(Addresses.HEADER_CALL, callId));
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
