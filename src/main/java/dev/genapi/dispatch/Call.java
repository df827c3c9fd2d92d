package dev.genapi.dispatch;

import dev.genapi.api.FunConfig;
import dev.genapi.protocol.Request;
import io.opentelemetry.api.trace.Span;
import io.vertx.core.buffer.Buffer;

import java.util.List;

/**
 * What the stages know of one call, and what they leave for the invoke step: the function, the call as the before
 * hook left it, the body to send, the order of nodes to try, and the in-flight slot it holds. Changed only on the
 * call's context.
 */
final class Call {

  private final Request sent;
  private final long startNanos;
  private final boolean byGateway;
  private Request request;
  private FunConfig function;
  private ResponseSink sink;
  private Buffer body;
  private List<String> order;
  private InFlightBound slot;
  private Span span = Span.getInvalid();

  private Call(Request sent, FunConfig function, ResponseSink sink, boolean byGateway) {
    this.sent = sent;
    this.request = sent;
    this.function = function;
    this.sink = sink;
    this.byGateway = byGateway;
    this.startNanos = System.nanoTime();
  }

  /** @return a client's call: the stages find its function */
  static Call byClient(Request request, ResponseSink sink) {
    return new Call(request, null, sink, false);
  }

  /** @return a call the gateway makes itself, to a function it found */
  static Call byGateway(Request request, FunConfig function, ResponseSink sink) {
    return new Call(request, function, sink, true);
  }

  /** @return the call as the client sent it */
  Request sent() {
    return sent;
  }

  /** @return the call to go on with: the one sent, or the before hook's */
  Request request() {
    return request;
  }

  void request(Request changed) {
    request = changed;
  }

  /** @return {@link System#nanoTime()} when the call arrived */
  long startNanos() {
    return startNanos;
  }

  boolean byGateway() {
    return byGateway;
  }

  /** @return the function called, {@code null} until the lookup found it */
  FunConfig function() {
    return function;
  }

  void function(FunConfig found) {
    function = found;
  }

  /** @return where the call's frames go */
  ResponseSink sink() {
    return sink;
  }

  void sink(ResponseSink wrapped) {
    sink = wrapped;
  }

  /** @return the body to send to a node: the args as checked, with the request_id */
  Buffer body() {
    return body;
  }

  void body(Buffer checked) {
    body = checked;
  }

  /** @return the live nodes to try, the chosen one first */
  List<String> order() {
    return order;
  }

  void order(List<String> nodes) {
    order = nodes;
  }

  /** @return the gateway's span for the call; {@link Span#getInvalid()} when not traced */
  Span span() {
    return span;
  }

  /** Traces the call in that span, ended with its last frame. */
  void trace(Span traced) {
    span = traced;
    sink = new TracedSink(traced, sink);
  }

  /** Records that the call holds a slot of that bound until it ends. */
  void hold(InFlightBound bound) {
    slot = bound;
  }

  /** Gives back the in-flight slot, if the call holds one. */
  void release() {
    if (slot != null) {
      slot.release(function);
      slot = null;
    }
  }
}
