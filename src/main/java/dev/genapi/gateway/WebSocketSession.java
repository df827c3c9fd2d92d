package dev.genapi.gateway;

import dev.genapi.api.GenApiException;
import dev.genapi.dispatch.InFlightCall;
import dev.genapi.dispatch.Pipeline;
import dev.genapi.protocol.Request;
import dev.genapi.protocol.Response;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.Map;

/**
 * One native WebSocket connection ({@code GET /ws}): decodes each text frame once, answers control frames, runs
 * calls through the pipeline and writes their frames back. Bad input gets an error frame; the connection stays open.
 * State is touched only on the connection's event loop.
 */
final class WebSocketSession {

  private static final String PONG = new JsonObject().put("op", "pong").encode();

  private final ServerWebSocket socket;
  private final Pipeline pipeline;
  private final int maxPayloadBytes;
  private final boolean detailErrors;
  private final String ipAddress;
  private Map<String, InFlightCall> inFlight;

  WebSocketSession(ServerWebSocket socket, Pipeline pipeline, GatewayOptions options) {
    this.socket = socket;
    this.pipeline = pipeline;
    this.maxPayloadBytes = options.getMaxPayloadBytes();
    this.detailErrors = options.isDetailErrors();
    this.ipAddress = socket.remoteAddress() == null ? null : socket.remoteAddress().hostAddress();
    socket.textMessageHandler(text -> onFrame(Buffer.buffer(text)));
    socket.binaryMessageHandler(this::onFrame);
    socket.closeHandler(v -> onClose());
  }

  private void onFrame(Buffer frame) {
    JsonObject json = null;
    try {
      json = Request.parseFrame(frame, maxPayloadBytes);
      Object op = json.getValue("op");
      if (op != null) {
        onControl(op, json);
      } else {
        onCall(Request.fromJson(json, frame, ipAddress));
      }
    } catch (GenApiException e) {
      write(Response.error(Request.idOf(json), e, detailErrors));
    }
  }

  private void onControl(Object op, JsonObject json) {
    if ("ping".equals(op)) {
      socket.writeTextMessage(PONG);
    } else if ("cancel".equals(op)) {
      InFlightCall call = inFlight == null ? null : inFlight.get(Request.idOf(json));
      if (call != null) {
        call.cancel();
      }
    } else {
      throw GenApiException.invalidRequest("unknown op: " + op);
    }
  }

  private void onCall(Request request) {
    String id = request.requestId();
    if (inFlight != null && inFlight.containsKey(id)) {
      throw GenApiException.invalidRequest("request_id " + id + " is already in flight");
    }
    InFlightCall call = pipeline.execute(request, (response, last) -> {
      if (last && inFlight != null) {
        inFlight.remove(id);
      }
      write(response);
    });
    if (call != null) {
      if (inFlight == null) {
        inFlight = new HashMap<>(4);
      }
      inFlight.put(id, call);
    }
  }

  private void write(Response response) {
    if (response != null && !socket.isClosed()) {
      socket.writeTextMessage(response.toBuffer().toString());
    }
  }

  private void onClose() {
    if (inFlight != null) {
      Map<String, InFlightCall> calls = inFlight;
      inFlight = null;
      calls.values().forEach(InFlightCall::abandon);
    }
  }
}
