package dev.genapi.gateway;

import dev.genapi.api.ErrorCode;
import dev.genapi.api.GenApiException;
import dev.genapi.dispatch.InFlightCall;
import dev.genapi.dispatch.Pipeline;
import dev.genapi.dispatch.ResponseSink;
import dev.genapi.protocol.Request;

import java.util.HashMap;
import java.util.Map;

/**
 * The calls of one client connection, whatever its transport: applies the connection's identity, refuses a
 * request_id already in flight, one call too many or one the connection's byte budget cannot hold, runs the pipeline,
 * and cancels or abandons calls. A call holds its slot, its request_id and its bytes until its last frame; one refused
 * before it reached a node holds nothing. Used on the connection's event loop only.
 */
final class SessionCalls {

  /** Close code of a connection whose token expired: its calls answer UNAUTHENTICATED, then it is closed. */
  static final int TOKEN_EXPIRED = 4401;

  private final Pipeline pipeline;
  private final Authenticator authenticator;
  private final int maxInFlight;
  private final ConnectionFlow flow;
  private Identity identity;
  private Map<String, InFlightCall> inFlight;

  SessionCalls(Pipeline pipeline, Authenticator authenticator, int maxInFlight, ConnectionFlow flow,
               Identity identity) {
    this.pipeline = pipeline;
    this.authenticator = authenticator;
    this.maxInFlight = maxInFlight;
    this.flow = flow;
    this.identity = identity;
  }

  /** Replaces the identity (a Phoenix join may bring a token). */
  void identity(Identity identity) {
    this.identity = identity;
  }

  /**
   * Runs one call; its frames go to the sink.
   *
   * @throws GenApiException when the call is refused before it starts
   */
  void start(Request sent, ResponseSink sink) {
    Request request;
    try {
      request = authenticator.apply(sent, identity);
    } catch (GenApiException e) {
      if (Authenticator.isExpired(e)) {
        flow.closeAfterThisFrame(TOKEN_EXPIRED, "token expired");
      }
      throw e;
    }
    String id = request.requestId();
    if (inFlight != null && inFlight.containsKey(id)) {
      throw GenApiException.invalidRequest("request_id " + id + " is already in flight");
    }
    if (inFlight != null && inFlight.size() >= maxInFlight) {
      throw new GenApiException(ErrorCode.OVERLOADED, "Too many calls in flight on this connection (max "
        + maxInFlight + ")");
    }
    int bytes = request.raw().length();
    flow.holdCall(bytes);
    InFlightCall call = pipeline.execute(request, (response, last) -> {
      if (last) {
        if (inFlight != null) {
          inFlight.remove(id);
        }
        flow.releaseCall(bytes);
      }
      sink.send(response, last);
    }, flow::whenWritable);
    if (call != null) {
      if (inFlight == null) {
        inFlight = new HashMap<>(4);
      }
      inFlight.put(id, call);
    }
  }

  /** Cancels the call with that request_id, if it is still in flight. */
  void cancel(String requestId) {
    InFlightCall call = inFlight == null ? null : inFlight.get(requestId);
    if (call != null) {
      call.cancel();
    }
  }

  /** The client is gone: every call in flight ends without a frame and its node is told. */
  void abandonAll() {
    if (inFlight != null) {
      Map<String, InFlightCall> calls = inFlight;
      inFlight = null;
      calls.values().forEach(InFlightCall::abandon);
    }
  }
}
