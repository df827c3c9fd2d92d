package dev.genapi.gateway;

import dev.genapi.api.GenApiException;
import dev.genapi.protocol.Request;
import dev.genapi.protocol.Response;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;


/**
 * One connection speaking the native frames (WebSocket {@code /ws} and SockJS {@code /sockjs}): decodes each text
 * frame once, answers control frames ({@code ping}, {@code cancel}), runs calls and writes their frames back. Bad input
 * gets an error frame; the connection stays open. When the gateway drains, the client gets
 * {@code {"op":"drain","reconnect_after_ms":<n>}}; the gateway closes the connection when the drain ends.
 */
final class NativeSession implements ClientSession {

  private static final String PONG = new JsonObject().put("op", "pong").encode();

  private final ConnectionFlow out;
  private final SessionCalls calls;
  private final int maxPayloadBytes;
  private final boolean detailErrors;
  private final String ipAddress;

  /**
   * @param out the connection's flow, which writes each text frame to the client (dropping it once closed)
   */
  NativeSession(ConnectionFlow out, SessionCalls calls, GatewayOptions options, String ipAddress) {
    this.out = out;
    this.calls = calls;
    this.maxPayloadBytes = options.getMaxPayloadBytes();
    this.detailErrors = options.isDetailErrors();
    this.ipAddress = ipAddress;
  }

  @Override
  public void onFrame(Buffer frame) {
    JsonObject json = null;
    try {
      json = Request.parseFrame(frame, maxPayloadBytes);
      Object op = json.getValue("op");
      if (op != null) {
        onControl(op, json);
      } else {
        calls.start(Request.fromJson(json, frame, ipAddress), (response, last) -> write(response));
      }
    } catch (GenApiException e) {
      write(Response.error(Request.idOf(json, frame), e, detailErrors));
    }
  }

  @Override
  public void push(String frame) {
    out.write(frame);
  }

  @Override
  public void onClose() {
    calls.abandonAll();
  }

  @Override
  public void drain(long reconnectAfterMs) {
    out.write("{\"op\":\"drain\",\"reconnect_after_ms\":" + reconnectAfterMs + "}");
  }

  @Override
  public boolean handedOff() {
    return false;
  }

  @Override
  public void finishCalls(GenApiException failure) {
    calls.finishAll(failure);
  }

  private void onControl(Object op, JsonObject json) {
    if ("ping".equals(op)) {
      out.write(PONG);
    } else if ("cancel".equals(op)) {
      calls.cancel(Request.idOf(json));
    } else {
      throw GenApiException.invalidRequest("unknown op: " + op);
    }
  }

  private void write(Response response) {
    if (response != null) {
      out.write(response.encode());
    }
  }
}
