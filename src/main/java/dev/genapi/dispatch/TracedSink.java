package dev.genapi.dispatch;

import dev.genapi.metrics.Tracing;
import dev.genapi.protocol.Response;
import io.opentelemetry.api.trace.Span;

/** A sink that ends the call's span with its outcome when its last frame passes. */
final class TracedSink implements ResponseSink {

  private final Span span;
  private final ResponseSink sink;

  TracedSink(Span span, ResponseSink sink) {
    this.span = span;
    this.sink = sink;
  }

  @Override
  public void send(Response response, boolean last) {
    if (last) {
      Tracing.end(span, response == null || response.code() == null ? null : response.code().name());
    }
    sink.send(response, last);
  }
}
