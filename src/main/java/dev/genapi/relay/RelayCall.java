package dev.genapi.relay;

import dev.genapi.api.GenApiException;
import dev.genapi.dispatch.InFlightCall;
import dev.genapi.dispatch.ResponseSink;
import dev.genapi.protocol.Response;
import io.vertx.core.AsyncResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One relay call until its one frame, which a connection that is gone does not get. */
final class RelayCall implements InFlightCall {

  private static final Logger LOG = LoggerFactory.getLogger(RelayCall.class);

  private final String requestId;
  private final ResponseSink sink;
  private boolean abandoned;

  RelayCall(String requestId, ResponseSink sink) {
    this.requestId = requestId;
    this.sink = sink;
  }

  @Override
  public void cancel() {
    // the change is already on its way to Hazelcast; its answer follows
  }

  @Override
  public void abandon() {
    abandoned = true;
  }

  /** Sends the result, or the failure: its code and text when it is a {@code GenApiException}, else INTERNAL. */
  void complete(AsyncResult<?> done) {
    if (abandoned) {
      return;
    }
    if (done.succeeded()) {
      sink.send(Response.ok(requestId, done.result()), true);
    } else if (done.cause() instanceof GenApiException e) {
      sink.send(Response.error(requestId, e, false), true);
    } else {
      LOG.warn("relay call {} failed", requestId, done.cause());
      sink.send(Response.error(requestId, GenApiException.internal(null), false), true);
    }
  }
}
