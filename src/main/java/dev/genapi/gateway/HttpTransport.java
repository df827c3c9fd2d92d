package dev.genapi.gateway;

import dev.genapi.api.ErrorCode;
import dev.genapi.api.GenApiException;
import dev.genapi.dispatch.InFlightCall;
import dev.genapi.dispatch.Pipeline;
import dev.genapi.protocol.Request;
import dev.genapi.protocol.Response;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /api/call}: the body is one call object, the answer its final Response as JSON. Success and business
 * errors answer {@code 200}, a malformed call {@code 400}, a missing, expired or forged identity {@code 401}, a rate limit {@code 429}
 * with {@code Retry-After}; a {@code none} function answers {@code 204}. A stream answers
 * {@code application/x-ndjson}: one Response per line as the chunks arrive.
 */
final class HttpTransport {

  private static final Buffer NEW_LINE = Buffer.buffer("\n");

  private final Pipeline pipeline;
  private final Authenticator authenticator;
  private final int maxPayloadBytes;
  private final boolean detailErrors;

  HttpTransport(Pipeline pipeline, Authenticator authenticator, GatewayOptions options) {
    this.pipeline = pipeline;
    this.authenticator = authenticator;
    this.maxPayloadBytes = options.getMaxPayloadBytes();
    this.detailErrors = options.isDetailErrors();
  }

  void handle(RoutingContext rc) {
    authenticator.authenticate(Authenticator.tokenOf(rc.request())).onComplete(auth -> {
      if (auth.failed()) {
        respond(rc.response(), Response.error(Request.UNKNOWN_ID,
          new GenApiException(ErrorCode.UNAUTHENTICATED, "Authentication required"), false));
      } else {
        call(rc, auth.result());
      }
    });
  }

  private void call(RoutingContext rc, Identity identity) {
    Buffer body = rc.body().buffer() == null ? Buffer.buffer() : rc.body().buffer();
    JsonObject json = null;
    Request request;
    try {
      json = Request.parseFrame(body, maxPayloadBytes);
      request = authenticator.apply(Request.fromJson(json, body, rc.request().remoteAddress().hostAddress()), identity);
    } catch (GenApiException e) {
      respond(rc.response(), Response.error(Request.idOf(json), e, detailErrors));
      return;
    }
    HttpServerResponse response = rc.response();
    InFlightCall call = pipeline.execute(request, (frame, last) -> {
      if (response.closed() || response.ended()) {
        return;
      }
      if (frame == null) {
        response.setStatusCode(204).end();
      } else if (response.headWritten() || frame.async() && frame.hasMore()) {
        stream(response, frame, last);
      } else if (last) {
        respond(response, frame);
      }
    });
    if (call != null) {
      response.closeHandler(v -> call.abandon());
    }
  }

  private static void stream(HttpServerResponse response, Response frame, boolean last) {
    if (!response.headWritten()) {
      response.setChunked(true).putHeader("Content-Type", "application/x-ndjson");
    }
    response.write(frame.toBuffer().appendBuffer(NEW_LINE));
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
      default -> 200;
    };
    if (code == ErrorCode.RATE_LIMITED && frame.retryAfterMs() >= 0) {
      response.putHeader("Retry-After", Long.toString((frame.retryAfterMs() + 999) / 1000));
    }
    response.setStatusCode(status).putHeader("Content-Type", "application/json").end(frame.toBuffer());
  }
}
