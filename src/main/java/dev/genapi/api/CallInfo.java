package dev.genapi.api;

import io.opentelemetry.context.Context;
import io.vertx.core.json.JsonObject;

/**
 * One call as a {@link FunctionHandler} sees it: the arguments, who calls, until when, and (for streams) where the
 * chunks go.
 */
public interface CallInfo {

  /** @return the client's request id */
  String requestId();

  /** @return the service name */
  String service();

  /** @return the function name */
  String requestType();

  /** @return the resolved version of the function */
  String version();

  /** @return the arguments (never {@code null}) */
  JsonObject args();

  /** @return the caller's user id, or {@code null} */
  String userId();

  /** @return the caller's device id, or {@code null} */
  String deviceId();

  /** @return the wall-clock time (epoch milliseconds) after which the caller no longer waits */
  long deadline();

  /** @return whether the client cancelled the call (or it timed out at the gateway) */
  boolean cancelled();

  /**
   * @param handler called once, on the node's event loop, when the call is cancelled
   */
  void onCancel(Runnable handler);

  /**
   * @return the OpenTelemetry context of the node's span for this call, for the handler's own spans to nest under
   *   ({@code tracer.spanBuilder(name).setParent(call.traceContext())}); the root context when the call is not traced
   */
  Context traceContext();

  /**
   * @return the sink of a {@code stream} function
   * @throws IllegalStateException when the function is not a stream
   */
  StreamSink stream();
}
