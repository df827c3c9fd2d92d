package dev.genapi.gateway;

import dev.genapi.api.GenApiException;
import dev.genapi.protocol.Request;
import dev.genapi.protocol.Response;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One connection speaking Phoenix Channels v2 ({@code /socket/websocket?vsn=2.0.0}), as the official {@code phoenix}
 * JS client does: frames {@code [join_ref, ref, topic, event, payload]}; {@code phx_join} on any topic (params may
 * carry a {@code token}), {@code phx_leave}, {@code heartbeat}; a push of the calls event carries a call object, whose
 * Responses are pushed back on the same topic and event ({@code ref = null}), and the push gets an {@code ok} reply
 * with the request_type ({@code error} with a reason when the call cannot be decoded), as PhoenixGenApi does.
 * Joins beyond the {@link TopicRules} get an {@code error} reply; the socket stays up.
 */
final class PhoenixSession {

  private static final String PHOENIX_TOPIC = "phoenix";

  private final Consumer<String> out;
  private final SessionCalls calls;
  private final Authenticator authenticator;
  private final String event;
  private final int maxPayloadBytes;
  private final boolean detailErrors;
  private final String ipAddress;
  private final TopicRules topics;
  private final Map<String, String> joins = new HashMap<>(2);
  private int pendingJoins;

  PhoenixSession(Consumer<String> out, SessionCalls calls, Authenticator authenticator, GatewayOptions options,
                 TopicRules topics, String ipAddress) {
    this.out = out;
    this.calls = calls;
    this.authenticator = authenticator;
    this.event = options.getPhoenixEvent();
    this.maxPayloadBytes = options.getMaxPayloadBytes();
    this.detailErrors = options.isDetailErrors();
    this.ipAddress = ipAddress;
    this.topics = topics;
  }

  void onFrame(Buffer frame) {
    JsonArray message;
    try {
      message = frame.length() > maxPayloadBytes * 2L ? null : Json.decodeValue(frame) instanceof JsonArray a ? a : null;
    } catch (DecodeException e) {
      message = null;
    }
    if (message == null || message.size() != 5 || !(message.getValue(2) instanceof String topic)
      || !(message.getValue(3) instanceof String name)) {
      return;
    }
    String joinRef = message.getString(0);
    String ref = message.getString(1);
    Object payload = message.getValue(4);
    switch (name) {
      case "heartbeat" -> reply(null, ref, PHOENIX_TOPIC, "ok", new JsonObject());
      case "phx_join" -> join(joinRef, ref, topic, payload instanceof JsonObject params ? params : new JsonObject());
      case "phx_leave" -> {
        joins.remove(topic);
        reply(joinRef, ref, topic, "ok", new JsonObject());
      }
      default -> onEvent(joinRef, ref, topic, name, payload, frame.length());
    }
  }

  void onClose() {
    calls.abandonAll();
  }

  private void join(String joinRef, String ref, String topic, JsonObject params) {
    String refusal = topics.refusal(topic, joins.containsKey(topic) ? 0 : joins.size() + pendingJoins);
    if (refusal != null) {
      reply(joinRef, ref, topic, "error", new JsonObject().put("reason", refusal));
      return;
    }
    String token = params.getValue("token") instanceof String t ? t : null;
    pendingJoins++;
    authenticator.authenticate(token).onComplete(result -> {
      pendingJoins--;
      if (result.failed()) {
        reply(joinRef, ref, topic, "error", new JsonObject().put("reason", "unauthorized"));
        return;
      }
      if (result.result() != null) {
        calls.identity(result.result());
      }
      joins.put(topic, joinRef);
      reply(joinRef, ref, topic, "ok", new JsonObject());
    });
  }

  private void onEvent(String joinRef, String ref, String topic, String name, Object payload, int size) {
    if (!joins.containsKey(topic)) {
      reply(joinRef, ref, topic, "error", new JsonObject().put("reason", "unmatched topic"));
      return;
    }
    if (!event.equals(name) || !(payload instanceof JsonObject call)) {
      reply(joinRef, ref, topic, "error", new JsonObject().put("reason", "unknown event " + name));
      return;
    }
    if ("cancel".equals(call.getValue("op"))) {
      calls.cancel(Request.idOf(call));
      reply(joinRef, ref, topic, "ok", new JsonObject());
      return;
    }
    try {
      Request.checkSize(size, maxPayloadBytes);
      Request request = Request.fromJson(call, call.toBuffer(), ipAddress);
      calls.start(request, (response, last) -> push(joinRef, topic, response));
      reply(joinRef, ref, topic, "ok", request.requestType());
    } catch (GenApiException e) {
      push(joinRef, topic, Response.error(Request.idOf(call), e, detailErrors));
      reply(joinRef, ref, topic, "error", new JsonObject().put("reason", e.getMessage()));
    }
  }

  private void push(String joinRef, String topic, Response response) {
    if (response != null) {
      out.accept("[" + Json.encode(joinRef) + ",null," + Json.encode(topic) + "," + Json.encode(event) + ","
        + response.encode() + "]");
    }
  }

  private void reply(String joinRef, String ref, String topic, String status, Object response) {
    out.accept(new JsonArray().add(joinRef).add(ref).add(topic).add("phx_reply")
      .add(new JsonObject().put("status", status).put("response", response)).encode());
  }
}
