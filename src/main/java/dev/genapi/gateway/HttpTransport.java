package dev.genapi.gateway;

import dev.genapi.api.ErrorCode;
import dev.genapi.api.GenApiException;
import dev.genapi.dispatch.InFlightCall;
import dev.genapi.dispatch.Pipeline;
import dev.genapi.protocol.Request;
import dev.genapi.protocol.Response;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /api/call}: the body is one call object ({@code Content-Type: application/json}, else {@code 415}), the
 * answer its final Response as JSON. Success and business errors answer {@code 200}, a malformed call {@code 400}, a
 * missing, expired or forged identity {@code 401}, a rate limit {@code 429} with {@code Retry-After}, a full gateway
 * ({@code OVERLOADED}) {@code 503} with {@code Retry-After}; a {@code none} function answers {@code 204}. A stream
 * answers {@code application/x-ndjson}: one Response per line as the chunks arrive, within the same byte budget as a
 * WebSocket (a reader that falls too far behind is disconnected).
 */
final class HttpTransport {

  private final Vertx vertx;
  private final Pipeline pipeline;
  private final Gateway gateway;
  private final GatewayOptions options;

  HttpTransport(Vertx vertx, Pipeline pipeline, Gateway gateway, GatewayOptions options) {
    this.vertx = vertx;
    this.pipeline = pipeline;
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
    ConnectionFlow flow = new ConnectionFlow(vertx, ClientLink.unpausable(response::write,
      (code, reason) -> http.connection().close()), gateway.memory(), options.getClientLimits());
    JsonObject json = null;
    Request request;
    try {
      json = Request.parseFrame(body, options.getMaxPayloadBytes());
      String ip = gateway.connections().addresses().clientOf(http.remoteAddress(), http.headers());
      request = gateway.authenticator().apply(Request.fromJson(json, body, ip), identity);
      flow.holdCall(body.length());
    } catch (GenApiException e) {
      respond(response, Response.error(Request.idOf(json, body), e, options.isDetailErrors()));
      return;
    }
    InFlightCall call = pipeline.execute(request, (frame, last) -> {
      if (last) {
        flow.releaseCall(body.length());
      }
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
    }, flow::whenWritable);
    if (call != null && !response.ended()) {
      response.closeHandler(v -> {
        flow.closed();
        call.abandon();
      });
    }
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
