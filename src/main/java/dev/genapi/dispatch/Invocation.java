package dev.genapi.dispatch;

import dev.genapi.api.FunConfig;
import dev.genapi.api.GenApiException;
import dev.genapi.api.ResponseType;
import dev.genapi.cluster.Addresses;
import dev.genapi.protocol.RawJson;
import dev.genapi.protocol.Request;
import dev.genapi.protocol.Response;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;

/**
 * One call sent to one node: the message to the node, the frames its replies produce, its timeout and its
 * cancellation. The call is sent (not requested) so that a node that cannot be reached fails the write at once
 * instead of waiting for the timeout; replies come back through the {@link ReplyRouter}. All state changes run on
 * the connection's context.
 */
final class Invocation implements InFlightCall {

  private final Pipeline pipeline;
  private final Request request;
  private final FunConfig function;
  private final String node;
  private final ResponseSink sink;
  private final Context context;
  private String callId;
  private long timer = -1;
  private boolean done;

  Invocation(Pipeline pipeline, Request request, FunConfig function, String node, ResponseSink sink, Context context) {
    this.pipeline = pipeline;
    this.request = request;
    this.function = function;
    this.node = node;
    this.sink = sink;
    this.context = context;
  }

  void start() {
    ReplyRouter replies = pipeline.replies();
    callId = replies.open(this);
    DeliveryOptions options = new DeliveryOptions()
      .addHeader(Addresses.HEADER_ACTION, Addresses.ACTION_CALL)
      .addHeader(Addresses.HEADER_FUNCTION, function.key())
      .addHeader(Addresses.HEADER_CALL, callId)
      .addHeader(Addresses.HEADER_REPLY_TO, replies.address())
      .addHeader(Addresses.HEADER_DEADLINE, Long.toString(System.currentTimeMillis() + function.timeout()));
    if (request.userId() != null) {
      options.addHeader(Addresses.HEADER_USER, request.userId());
    }
    if (request.deviceId() != null) {
      options.addHeader(Addresses.HEADER_DEVICE, request.deviceId());
    }
    if (function.responseType() == ResponseType.ASYNC) {
      sink.send(Response.ack(request.requestId()), false);
    } else if (function.responseType() == ResponseType.STREAM) {
      sink.send(Response.streamInit(request.requestId()), false);
    }
    timer = pipeline.vertx().setTimer(function.timeout(), id -> onTimeout());
    pipeline.vertx().eventBus().<Buffer>sender(Addresses.node(node), options).write(request.raw())
      .onFailure(cause -> onContext(() -> fail(pipeline.unreachable(function, node))));
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

  void onReply(boolean end, Buffer body) {
    onContext(() -> {
      if (done) {
        return;
      }
      String id = request.requestId();
      if (!end) {
        sink.send(Response.chunk(id, new RawJson(body)), false);
        return;
      }
      finish();
      switch (function.responseType()) {
        case STREAM -> sink.send(Response.streamEnd(id, new RawJson(body)), true);
        case NONE -> sink.send(null, true);
        default -> sink.send(Response.ok(id, new RawJson(body)), true);
      }
    });
  }

  void onFailure(GenApiException failure) {
    onContext(() -> fail(failure));
  }

  void nodeGone(String name) {
    if (node.equals(name)) {
      onContext(() -> fail(GenApiException.unavailable(function.service())));
    }
  }

  private void onTimeout() {
    timer = -1;
    if (!done) {
      fail(GenApiException.timeout(function.timeout()));
      tellNodeToCancel();
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
    pipeline.replies().close(callId);
    if (timer != -1) {
      pipeline.vertx().cancelTimer(timer);
    }
    return true;
  }

  private void tellNodeToCancel() {
    pipeline.vertx().eventBus().send(Addresses.node(node), Buffer.buffer(), new DeliveryOptions()
      .addHeader(Addresses.HEADER_ACTION, Addresses.ACTION_CANCEL).addHeader(Addresses.HEADER_CALL, callId));
  }

  private void onContext(Runnable action) {
    if (Vertx.currentContext() == context) {
      action.run();
    } else {
      context.runOnContext(v -> action.run());
    }
  }
}
