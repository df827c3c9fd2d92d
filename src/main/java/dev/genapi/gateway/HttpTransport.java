package dev.genapi.gateway;

import dev.genapi.api.ErrorCode;
import dev.genapi.api.GenApiException;
import dev.genapi.protocol.Request;
import dev.genapi.protocol.Response;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code POST /api/call}: the body is one call object ({@code Content-Type: application/json}, else {@code 415}), the
 * answer its final Response as JSON. Success and business errors answer {@code 200}, a malformed call {@code 400}, a
 * missing, expired or forged identity {@code 401}, a rate limit {@code 429} with {@code Retry-After}, a full gateway
 * ({@code OVERLOADED}) {@code 503} with {@code Retry-After}; a {@code none} function answers {@code 204}. A stream
 * answers {@code application/x-ndjson}: one Response per line as the chunks arrive, within the same byte budget as a
 * WebSocket (a reader that falls too far behind is disconnected). While the gateway drains, a new call answers
 * {@code 503} with {@code Retry-After} and the {@code UNAVAILABLE} Response, calls in flight (streams included) finish,
 * and every answer carries {@code Connection: close}. Used on the server's event loop only.
 */
final class HttpTransport {

  /** The W3C trace-context header: the client's span, the parent of the gateway's. */
  private static final String TRACEPARENT = "traceparent";

  private final Vertx vertx;
  private final Gateway gateway;
  private final GatewayOptions options;
  private final Set<SessionCalls> open = new HashSet<>();

  HttpTransport(Vertx vertx, Gateway gateway, GatewayOptions options) {
    this.vertx = vertx;
    this.gateway = gateway;
    this.options = options;
  }

  void handle(RoutingContext rc) {
    String type = rc.request().getHeader("Content-Type");
    if (type == null || !type.regionMatches(true, 0, "application/json", 0, 16)) {
      rc.response().setStatusCode(415).putHeader("Content-Type", "application/json").end(Response.error(
        Request.UNKNOWN_ID, GenApiException.invalidRequest("Content-Type must be application/json"), false).toBuffer());
      return;
    }
    gateway.authenticator().authenticate(Authenticator.tokenOf(rc.request())).onComplete(auth -> {
      if (auth.failed()) {
        respond(rc.response(), Response.error(Request.UNKNOWN_ID,
          new GenApiException(ErrorCode.UNAUTHENTICATED, "Authentication required"), false));
      } else {
        call(rc, auth.result());
      }
    });
  }

  private void call(RoutingContext rc, Identity identity) {
    HttpServerRequest http = rc.request();
    HttpServerResponse response = rc.response();
    Buffer body = rc.body().buffer() == null ? Buffer.buffer() : rc.body().buffer();
    ConnectionFlow flow = gateway.opener().flow(ClientLink.unpausable(response::write,
      (code, reason) -> http.connection().close()));
    SessionCalls calls = gateway.opener().calls(flow, 1, identity);
    JsonObject json = null;
    try {
      json = Request.parseFrame(body, options.getMaxPayloadBytes());
      String ip = gateway.connections().addresses().clientOf(http.remoteAddress(), http.headers());
      calls.start(Request.fromJson(json, body, ip).withTraceparent(http.getHeader(TRACEPARENT)),
        (frame, last) -> answer(response, flow, frame, last));
    } catch (GenApiException e) {
      Response refusal = Response.error(Request.idOf(json, body), e, options.isDetailErrors());
      if (Drain.refused(e)) {
        drainRefusal(rc, refusal);
      } else {
        respond(response, refusal);
      }
      return;
    }
    if (!calls.idle() && !response.ended()) {
      open.add(calls);
      rc.addHeadersEndHandler(v -> {
        if (gateway.draining()) {
          connectionClose(rc);
        }
      });
      rc.addEndHandler(ended -> {
        open.remove(calls);
        if (ended.failed()) {
          flow.closed();
          calls.abandonAll();
        } else if (gateway.draining()) {
          http.connection().shutdown();
        }
      });
    }
  }

  private static void answer(HttpServerResponse response, ConnectionFlow flow, Response frame, boolean last) {
    if (response.closed() || response.ended()) {
      return;
    }
    if (frame == null) {
      response.setStatusCode(204).end();
    } else if (response.headWritten() || frame.async() && frame.hasMore()) {
      stream(response, flow, frame, last);
    } else if (last) {
      respond(response, frame);
    }
  }

  /** Ends the drain: calls still in flight get the failure as their last line or answer. */
  void finishAll(GenApiException failure) {
    List.copyOf(open).forEach(calls -> calls.finishAll(failure));
  }

  /**
   * A request that arrives while the gateway drains: its answer carries {@code Connection: close} and its connection
   * shuts down once it is written. (A call in flight when the drain starts gets the same when it answers.)
   */
  static void closeAfterAnswer(RoutingContext rc) {
    connectionClose(rc);
    rc.addEndHandler(r -> rc.request().connection().shutdown());
  }

  // HTTP/2 forbids connection headers: its shutdown sends GOAWAY, and the streams in flight finish
  static void connectionClose(RoutingContext rc) {
    if (rc.request().version() != HttpVersion.HTTP_2) {
      rc.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
    }
  }

  private void drainRefusal(RoutingContext rc, Response frame) {
    HttpServerResponse response = rc.response();
    if (!response.headers().contains(HttpHeaders.CONNECTION)) {
      closeAfterAnswer(rc);
    }
    long seconds = Math.max(1, (gateway.drainState().reconnectAfterMs() + 999) / 1000);
    response.setStatusCode(503).putHeader("Retry-After", Long.toString(seconds))
      .putHeader("Content-Type", "application/json").end(frame.toBuffer());
  }

  private static void stream(HttpServerResponse response, ConnectionFlow flow, Response frame, boolean last) {
    if (!response.headWritten()) {
      response.setChunked(true).putHeader("Content-Type", "application/x-ndjson");
    }
    flow.write(frame.encode() + "\n");
    if (last) {
      response.end();
    }
  }

  private static void respond(HttpServerResponse response, Response frame) {
    ErrorCode code = frame.code();
    int status = code == null ? 200 : switch (code) {
      case INVALID_REQUEST -> 400;
      case UNAUTHENTICATED -> 401;
      case RATE_LIMITED -> 429;
      case OVERLOADED -> 503;
      default -> 200;
    };
    if (code == ErrorCode.RATE_LIMITED && frame.retryAfterMs() >= 0) {
      response.putHeader("Retry-After", Long.toString((frame.retryAfterMs() + 999) / 1000));
    } else if (code == ErrorCode.OVERLOADED) {
      response.putHeader("Retry-After", "1");
    }
    response.setStatusCode(status).putHeader("Content-Type", "application/json").end(frame.toBuffer());
  }
}
