package dev.genapi.gateway;

import dev.genapi.api.ErrorCode;
import dev.genapi.api.GenApiException;
import dev.genapi.dispatch.InFlightCall;
import dev.genapi.dispatch.ResponseSink;
import dev.genapi.protocol.Request;
import dev.genapi.protocol.Response;
import dev.genapi.relay.Relay;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;

/**
 * The calls of one client connection, whatever its transport (an HTTP call is a connection with one call): refuses
 * every call while the gateway drains, applies the connection's identity, refuses a request_id already in flight, one
 * call too many or one the connection's byte budget cannot hold, runs the pipeline (or the gateway's own
 * {@code relay} service for its calls, the one place they are told apart), and cancels, abandons or ends
 * calls. A call holds its slot, its request_id and its bytes until its last frame; one refused before it reached a
 * node holds nothing. Each call that starts gets exactly one last frame, or none when its client is gone. Used on the
 * connection's event loop only.
 */
final class SessionCalls {

  /** Close code of a connection whose token expired: its calls answer UNAUTHENTICATED, then it is closed. */
  static final int TOKEN_EXPIRED = 4401;

  private final ConnectionOpener shared;
  private final int maxInFlight;
  private final ConnectionFlow flow;
  private Identity identity;
  private PushIndex.Entry pushes;
  private Map<String, Open> inFlight;

  /** @param shared the gateway's pipeline, authenticator, drain and relay */
  SessionCalls(ConnectionOpener shared, int maxInFlight, ConnectionFlow flow, Identity identity) {
    this.shared = shared;
    this.maxInFlight = maxInFlight;
    this.flow = flow;
    this.identity = identity;
  }

  /** Replaces the identity (a Phoenix join may bring a token). */
  void identity(Identity identity) {
    this.identity = identity;
    if (pushes != null && identity != null) {
      pushes.address(identity.userId(), pushes.device());
    }
  }

  /**
   * Makes the connection receive the pushes to the user and device it calls as: its verified identity from the
   * start, else the {@code user_id} and {@code device_id} of its latest call.
   */
  void receivePushes(PushIndex.Entry entry) {
    this.pushes = entry;
    if (identity != null) {
      entry.address(identity.userId(), null);
    }
  }

  /**
   * Runs one call; its frames go to the sink.
   *
   * @throws GenApiException when the call is refused before it starts
   */
  void start(Request sent, ResponseSink sink) {
    shared.drain.admit();
    Request request;
    try {
      request = shared.authenticator.apply(sent, identity);
    } catch (GenApiException e) {
      if (Authenticator.isExpired(e)) {
        flow.closeAfterThisFrame(TOKEN_EXPIRED, "token expired");
      }
      throw e;
    }
    if (pushes != null) {
      pushes.address(request.userId(), request.deviceId());
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
    shared.drain.callOpened();
    Open open = new Open(id, bytes, sink);
    open.call = Relay.SERVICE.equals(request.service())
      ? shared.relay.call(request, pushes == null ? null : pushes.relay(), open)
      : shared.pipeline.execute(request, open, flow::whenWritable);
    if (open.call != null && !open.done) {
      if (inFlight == null) {
        inFlight = new HashMap<>(4);
      }
      inFlight.put(id, open);
    }
  }

  /** @return whether no call of this connection is in flight */
  boolean idle() {
    return inFlight == null || inFlight.isEmpty();
  }

  /** Cancels the call with that request_id, if it is still in flight. */
  void cancel(String requestId) {
    Open open = inFlight == null ? null : inFlight.get(requestId);
    if (open != null) {
      open.call.cancel();
    }
  }

  /**
   * The client is gone: it receives no more pushes, leaves its relay groups, every call in flight ends without a
   * frame and its node is told.
   */
  void abandonAll() {
    if (pushes != null) {
      pushes.remove();
      if (pushes.relayIfUsed() != null) {
        shared.relay.closed(pushes.relayIfUsed());
      }
    }
    if (inFlight != null) {
      Map<String, Open> calls = inFlight;
      inFlight = null;
      calls.values().forEach(Open::abandon);
    }
  }

  /** Every call in flight gets this failure as its last frame, and its node is told to stop. */
  void finishAll(GenApiException failure) {
    if (inFlight != null) {
      for (Open open : new ArrayList<>(inFlight.values())) {
        open.call.abandon();
        open.send(Response.error(open.id, failure, false), true);
      }
    }
  }

  /** One call from its admission to its last frame. */
  private final class Open implements ResponseSink {
    final String id;
    final int bytes;
    final ResponseSink sink;
    InFlightCall call;
    boolean done;

    Open(String id, int bytes, ResponseSink sink) {
      this.id = id;
      this.bytes = bytes;
      this.sink = sink;
    }

    @Override
    public void send(Response response, boolean last) {
      if (done) {
        return;
      }
      if (last) {
        end();
        flow.releaseCall(bytes);
      }
      sink.send(response, last);
    }

    void abandon() {
      if (!done) {
        end();
        call.abandon();
      }
    }

    private void end() {
      done = true;
      shared.drain.callClosed();
      if (inFlight != null) {
        inFlight.remove(id);
      }
    }
  }
}
