package dev.genapi.dispatch;

import dev.genapi.api.ErrorCode;
import dev.genapi.api.FunConfig;
import dev.genapi.api.GenApiException;
import dev.genapi.api.ResponseType;
import dev.genapi.api.RetryPolicy;
import dev.genapi.cluster.Addresses;
import dev.genapi.metrics.Tracing;
import dev.genapi.protocol.NodeCallRequest;
import dev.genapi.protocol.NodeReply;
import dev.genapi.protocol.RawJson;
import dev.genapi.protocol.Response;
import io.opentelemetry.api.trace.Span;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageProducer;
import io.vertx.core.tracing.TracingPolicy;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One call from its first stage to its last frame. The {@link StageChain} runs the stages; then the invoke step makes
 * attempts on nodes. An attempt is sent (not
 * requested), so a node that cannot be reached fails the write at once and the next node in the order is tried;
 * replies come back through the {@link ReplyRouter} under the attempt's call id. A failed attempt is retried as the
 * function's {@link RetryPolicy} says, with the original's backoff, and only where that cannot run the function twice:
 * a call that never reached a node (not written, no node live, refused by the node before it started) is retried for
 * every function; one that may have run (it timed out, failed on the node, or its node left mid-call) only for an
 * {@link FunConfig#idempotent() idempotent} function. All state changes run on the connection's context.
 */
final class Invocation implements InFlightCall {

  private final Invoker invoker;
  private final StageChain stages;
  private final Call call;
  private final Writability writability;
  private final Context context;
  private final Thread eventLoop;
  private FunConfig function;
  private List<String> order;
  private int position;
  private int attempts;
  private int retriesLeft;
  private String node;
  private String callId;
  private long timer = -1;
  private boolean streamed;
  private int ungranted;
  private boolean granting;
  private boolean done;

  /** @param stages the stages the call passes before it is invoked */
  Invocation(Invoker invoker, StageChain stages, Call call, Writability writability, Context context) {
    this.invoker = invoker;
    this.stages = stages;
    this.call = call;
    this.writability = writability;
    this.context = context;
    this.eventLoop = context.isEventLoopContext() ? Thread.currentThread() : null;
  }

  /** Runs the stages, then the attempts. Must be called on the call's context. */
  void start() {
    stages.run(this);
  }

  Call call() {
    return call;
  }

  /** Runs the action on the call's context, unless the call ended meanwhile. */
  void resume(Runnable action) {
    onContext(() -> {
      if (!done) {
        action.run();
      }
    });
  }

  /** The call passed every stage: acknowledge it as its response type says, and make the first attempt. */
  void invoke() {
    function = call.function();
    order = call.order();
    retriesLeft = function.retry() == null ? 0 : function.retry().count();
    call.span().setAttribute(Tracing.VERSION, function.version());
    if (function.responseType() == ResponseType.ASYNC) {
      call.sink().send(Response.ack(call.request().requestId()), false);
    } else if (function.responseType() == ResponseType.STREAM) {
      call.sink().send(Response.streamInit(call.request().requestId()), false);
    }
    attempt();
  }

  private void attempt() {
    node = order.get(position);
    callId = invoker.replies().open(this);
    String attemptId = callId;
    timer = invoker.vertx().setTimer(function.timeout(), id -> onTimeout(attemptId));
    attempts++;
    sender().write(callRequest()).onFailure(cause -> onContext(() -> onUnreachable(attemptId)));
  }

  // a traced attempt carries the call's span as its parent, and Vert.x's own tracing stays out of it
  private MessageProducer<NodeCallRequest> sender() {
    Span span = call.span();
    if (!span.getSpanContext().isValid()) {
      return invoker.vertx().eventBus().sender(Addresses.node(node));
    }
    span.setAttribute(Tracing.NODE, node);
    span.setAttribute(Tracing.ATTEMPT, attempts);
    return invoker.vertx().eventBus().sender(Addresses.node(node), new DeliveryOptions()
      .setTracingPolicy(TracingPolicy.IGNORE).addHeader(Addresses.HEADER_TRACEPARENT, Tracing.traceparent(span)));
  }

  // the caller's identity goes with every call: the node tells a repeat of a call by it
  private NodeCallRequest callRequest() {
    return new NodeCallRequest(function.key(), callId, invoker.replies().address(),
      System.currentTimeMillis() + function.timeout(), call.request().userId(), call.request().deviceId(), call.body());
  }

  @Override
  public void cancel() {
    onContext(() -> {
      if (finish()) {
        call.sink().send(Response.error(call.request().requestId(), GenApiException.cancelled(), false), true);
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

  void onReply(NodeReply reply) {
    if (reply.kind() == NodeReply.Kind.FAILURE || reply.kind() == NodeReply.Kind.REFUSED) {
      onFailure(reply.callId(), reply.failure(), reply.kind() == NodeReply.Kind.REFUSED);
      return;
    }
    onContext(() -> {
      if (done || !reply.callId().equals(callId)) {
        return;
      }
      String id = call.request().requestId();
      RawJson result = new RawJson(reply.result());
      if (reply.kind() == NodeReply.Kind.CHUNK) {
        streamed = true;
        invoker.metrics().streamChunk();
        call.sink().send(Response.chunk(id, result), false);
        grantWhenWritable();
        return;
      }
      finish();
      switch (function.responseType()) {
        case STREAM -> call.sink().send(Response.streamEnd(id, result), true);
        case NONE -> call.sink().send(null, true);
        default -> call.sink().send(Response.ok(id, result), true);
      }
    });
  }

  /**
   * @param neverRan whether the node says it did not start the call (a refusal), so a retry cannot run it twice
   */
  void onFailure(String attemptId, GenApiException failure, boolean neverRan) {
    onContext(() -> {
      if (!done && attemptId.equals(callId)) {
        attemptFailed(failure, neverRan);
      }
    });
  }

  private void onTimeout(String attemptId) {
    timer = -1;
    if (!done && attemptId.equals(callId)) {
      tellNodeToCancel();
      attemptFailed(GenApiException.timeout(function.timeout()), false);
    }
  }

  /** The attempt's node could not be reached: forget it and fall back to the next node, if any. */
  private void onUnreachable(String attemptId) {
    if (done || !attemptId.equals(callId)) {
      return;
    }
    endAttempt();
    invoker.nodes().markUnreachable(node);
    if (++position < order.size()) {
      attempt();
    } else {
      attemptFailed(GenApiException.unavailable(function.service()), true);
    }
  }

  /**
   * @param neverRan whether the gateway knows the node never started the call: it was not written, no node was live,
   *                 or the node refused it
   */
  private void attemptFailed(GenApiException failure, boolean neverRan) {
    endAttempt();
    if (retriesLeft == 0 || streamed || !(neverRan || function.idempotent() && retryable(failure.code()))) {
      fail(failure);
      return;
    }
    long delay = backoffMs(retriesLeft, ThreadLocalRandom.current().nextDouble());
    retriesLeft--;
    invoker.metrics().retry();
    timer = invoker.vertx().setTimer(delay, id -> {
      timer = -1;
      if (!done) {
        retry(failure);
      }
    });
  }

  private void retry(GenApiException previous) {
    position = 0;
    if (function.retry().mode() == RetryPolicy.Mode.ALL_NODES) {
      try {
        order = invoker.selector().order(function, call.request());
      } catch (GenApiException e) {
        attemptFailed(previous, true);
        return;
      }
    }
    attempt();
  }

  /**
   * The original's backoff: {@code min(100 * 2^(k-1), 5000)} ms times a jitter in (0.5, 1.5], where k is the number of
   * retries left, so the first retry waits longest.
   *
   * @param retriesLeft retries left before this one (at least 1)
   * @param random a uniform number in [0, 1)
   */
  static long backoffMs(int retriesLeft, double random) {
    long base = Math.min(100L << Math.min(retriesLeft - 1, 10), 5000);
    return Math.max(1, (long) (base * (1.5 - random)));
  }

  private static boolean retryable(ErrorCode code) {
    return code == ErrorCode.TIMEOUT || code == ErrorCode.UNAVAILABLE || code == ErrorCode.INTERNAL
      || code == ErrorCode.OVERLOADED;
  }

  /** Ends the call with that error, unless it is over. */
  void fail(GenApiException failure) {
    if (finish()) {
        call.sink().send(Response.error(call.request().requestId(), failure, invoker.detailErrors()), true);
    }
  }

  private void endAttempt() {
    if (callId != null) {
      invoker.replies().close(callId);
    }
    if (timer != -1) {
      invoker.vertx().cancelTimer(timer);
      timer = -1;
    }
  }

  /** @return whether the call is over: it sent its last frame, or was cancelled or abandoned */
  boolean done() {
    return done;
  }

  private boolean finish() {
    if (done) {
      return false;
    }
    done = true;
    endAttempt();
    call.release();
    return true;
  }

  /** Fails the attempt when it waits on a node whose JVM is gone: the node may have run it, or not. */
  void nodeGone(String attemptId, String name) {
    if (name.equals(node)) {
      onFailure(attemptId, GenApiException.unavailable(function.service()), false);
    }
  }

  // half a window taken by the connection: the node may send that many more, once the connection takes frames
  private void grantWhenWritable() {
    if (++ungranted >= NodeCallRequest.STREAM_WINDOW / 2 && !granting) {
      granting = true;
      writability.whenWritable(() -> onContext(this::grant));
    }
  }

  private void grant() {
    granting = false;
    if (!done && callId != null) {
      tellNode(new DeliveryOptions().addHeader(Addresses.HEADER_ACTION, Addresses.ACTION_CREDIT)
        .addHeader(Addresses.HEADER_CREDITS, Integer.toString(ungranted)));
      ungranted = 0;
    }
  }

  private void tellNodeToCancel() {
    if (callId != null) {
      tellNode(new DeliveryOptions().addHeader(Addresses.HEADER_ACTION, Addresses.ACTION_CANCEL));
    }
  }

  private void tellNode(DeliveryOptions action) {
    invoker.vertx().eventBus().send(Addresses.node(node), Buffer.buffer(),
      action.addHeader(Addresses.HEADER_CALL, callId));
  }

  // on the call's event loop, any context will do: replies are delivered on the consumer's context, not the call's
  private void onContext(Runnable action) {
    if (eventLoop == Thread.currentThread() || eventLoop == null && Vertx.currentContext() == context) {
      action.run();
    } else {
      context.runOnContext(v -> action.run());
    }
  }
}
