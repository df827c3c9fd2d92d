package dev.genapi.dispatch;

import dev.genapi.metrics.CallMeters;
import dev.genapi.protocol.Response;

/** A sink that counts the call's outcome and its duration since it arrived when its last frame passes. */
final class MeteredSink implements ResponseSink {

  private final CallMeters meters;
  private final long startNanos;
  private final ResponseSink sink;

  MeteredSink(CallMeters meters, long startNanos, ResponseSink sink) {
    this.meters = meters;
    this.startNanos = startNanos;
    this.sink = sink;
  }

  @Override
  public void send(Response response, boolean last) {
    if (last) {
      meters.record(response == null ? null : response.code(), System.nanoTime() - startNanos);
    }
    sink.send(response, last);
  }
}
