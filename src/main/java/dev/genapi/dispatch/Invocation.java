package dev.genapi.dispatch;

import dev.genapi.api.ErrorCode;
import dev.genapi.api.FunConfig;
import dev.genapi.api.GenApiException;
import dev.genapi.api.ResponseType;
import dev.genapi.api.RetryPolicy;
import dev.genapi.cluster.Addresses;
import dev.genapi.protocol.NodeCallRequest;
import dev.genapi.protocol.NodeReply;
import dev.genapi.protocol.RawJson;
import dev.genapi.protocol.Request;
import dev.genapi.protocol.Response;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One call from the before hook to its last frame: the checks, then attempts on nodes. An attempt is sent (not
 * requested), so a node that cannot be reached fails the write at once and the next node in the order is tried;
 * replies come back through the {@link ReplyRouter} under the attempt's call id. A failed attempt is retried as the
 * function's {@link RetryPolicy} says, with the original's backoff, and only where that cannot run the function twice:
 * a call that never reached a node (not written, no node live, refused by the node before it started) is retried for
 * every function; one that may have run (it timed out, failed on the node, or its node left mid-call) only for an
 * {@link FunConfig#idempotent() idempotent} function. A call the gateway makes itself (a permission callback) skips
 * the hooks, the permission checks and the rate limits: its caller is the gateway. All state changes run on the
 * connection's context.
 */
final class Invocation implements InFlightCall {

  private final Pipeline pipeline;
  private final FunConfig function;
  private final ResponseSink sink;
  private final Writability writability;
  private final Context context;
  private final Thread eventLoop;
  private final boolean byGateway;
  private Request request;
  private Buffer body;
  private List<String> order;
  private int position;
  private int retriesLeft;
  private String node;
  private String callId;
  private long timer = -1;
  private boolean streamed;
  private int ungranted;
  private boolean granting;
  private boolean acquired;
  private boolean done;

  /**
   * @param byGateway whether the gateway makes the call itself (a permission callback), so the caller's checks are
   *                  not its own
   */
  Invocation(Pipeline pipeline, Request request, FunConfig function, ResponseSink sink, Writability writability,
             Context context, boolean byGateway) {
    this.pipeline = pipeline;
    this.request = request;
    this.function = function;
    this.sink = sink;
    this.writability = writability;
    this.context = context;
    this.eventLoop = context.isEventLoopContext() ? Thread.currentThread() : null;
    this.byGateway = byGateway;
  }

  void start() {
    if (byGateway) {
      admit(request);
      return;
    }
    if (function.beforeHook() == null) {
      proceed(request);
      return;
    }
    pipeline.hooks().runBefore(function, request).onComplete(hooked -> onContext(() -> {
      if (!done) {
        if (hooked.succeeded()) {
          proceed(hooked.result());
        } else {
          fail((GenApiException) hooked.cause());
        }
      }
    }));
  }

  private void proceed(Request hooked) {
    try {
      PermissionCheck.check(function.permission(), hooked);
    } catch (GenApiException e) {
      fail(e);
      return;
    }
    if (function.permissionCallback() == null) {
      admit(hooked);
      return;
    }
    pipeline.permissionCallback().check(function, hooked).onComplete(allowed -> onContext(() -> {
      if (!done) {
        if (allowed.succeeded()) {
          admit(hooked);
        } else {
          fail((GenApiException) allowed.cause());
        }
      }
    }));
  }

  private void admit(Request hooked) {
    try {
      if (!byGateway) {
        pipeline.rateLimiter().check(hooked);
      }
      JsonObject args = ArgumentChecker.check(function, hooked.args());
      body = hooked == request && args == hooked.args() ? hooked.raw()
        : new JsonObject().put("request_id", hooked.requestId()).put("args", args).toBuffer();
      request = hooked;
      order = pipeline.selector().order(function, hooked);
      pipeline.acquire(function);
      acquired = true;
    } catch (GenApiException e) {
      fail(e);
      return;
    }
    retriesLeft = function.retry() == null ? 0 : function.retry().count();
    if (function.responseType() == ResponseType.ASYNC) {
      sink.send(Response.ack(request.requestId()), false);
    } else if (function.responseType() == ResponseType.STREAM) {
      sink.send(Response.streamInit(request.requestId()), false);
    }
    attempt();
  }

  private void attempt() {
    node = order.get(position);
    callId = pipeline.replies().open(this);
    String attemptId = callId;
    timer = pipeline.vertx().setTimer(function.timeout(), id -> onTimeout(attemptId));
    pipeline.vertx().eventBus().<NodeCallRequest>sender(Addresses.node(node)).write(callRequest())
      .onFailure(cause -> onContext(() -> onUnreachable(attemptId)));
  }

  // the caller's identity goes with every call: the node tells a repeat of a call by it
  private NodeCallRequest callRequest() {
    return new NodeCallRequest(function.key(), callId, pipeline.replies().address(),
      System.currentTimeMillis() + function.timeout(), request.userId(), request.deviceId(), body);
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

  void onReply(NodeReply reply) {
    if (reply.kind() == NodeReply.Kind.FAILURE || reply.kind() == NodeReply.Kind.REFUSED) {
      onFailure(reply.callId(), reply.failure(), reply.kind() == NodeReply.Kind.REFUSED);
      return;
    }
    onContext(() -> {
      if (done || !reply.callId().equals(callId)) {
        return;
      }
      String id = request.requestId();
      RawJson result = new RawJson(reply.result());
      if (reply.kind() == NodeReply.Kind.CHUNK) {
        streamed = true;
        pipeline.metrics().streamChunk();
        sink.send(Response.chunk(id, result), false);
        grantWhenWritable();
        return;
      }
      finish();
      switch (function.responseType()) {
        case STREAM -> sink.send(Response.streamEnd(id, result), true);
        case NONE -> sink.send(null, true);
        default -> sink.send(Response.ok(id, result), true);
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
    pipeline.unreachable(node);
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
    pipeline.metrics().retry();
    timer = pipeline.vertx().setTimer(delay, id -> {
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
        order = pipeline.selector().order(function, request);
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

  private void fail(GenApiException failure) {
    if (finish()) {
      sink.send(Response.error(request.requestId(), failure, pipeline.detailErrors()), true);
    }
  }

  private void endAttempt() {
    if (callId != null) {
      pipeline.replies().close(callId);
    }
    if (timer != -1) {
      pipeline.vertx().cancelTimer(timer);
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
    if (acquired) {
      pipeline.release(function);
    }
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
    pipeline.vertx().eventBus().send(Addresses.node(node), Buffer.buffer(),
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
