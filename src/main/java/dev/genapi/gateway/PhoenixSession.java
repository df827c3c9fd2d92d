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
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * One connection speaking Phoenix Channels v2 ({@code /socket/websocket?vsn=2.0.0}), as the official {@code phoenix}
 * JS client does: frames {@code [join_ref, ref, topic, event, payload]}; {@code phx_join} on any topic (params may
 * carry a {@code token}), {@code phx_leave}, {@code heartbeat}; a push of the calls event carries a call object, whose
 * Responses are pushed back on the same topic and event ({@code ref = null}), and the push gets an {@code ok} reply
 * with the request_type ({@code error} with a reason when the call cannot be decoded), as PhoenixGenApi does.
 * Joins beyond the {@link TopicRules} get an {@code error} reply; the socket stays up.
 * <p>
 * When the gateway drains, every joined topic gets {@code phx_error} (what Phoenix sends when a channel dies): the
 * {@code phoenix} client then holds new pushes in its buffer instead of sending them, and asks to rejoin, which is
 * refused ({@code "draining"}). That rejoin comes after every push the client sent before, so once each topic has
 * asked and no call is in flight, the socket can close (1012) without losing a push: the client reconnects,
 * through the load balancer, to another gateway, rejoins and sends its buffered pushes there. While draining,
 * Responses are pushed with a null join_ref, as Phoenix broadcasts are, so they still reach a channel whose rejoin
 * changed its join_ref.
 */
final class PhoenixSession implements ClientSession {

  private static final String PHOENIX_TOPIC = "phoenix";

  private final ConnectionFlow out;
  private final SessionCalls calls;
  private final Authenticator authenticator;
  private final String event;
  private final int maxPayloadBytes;
  private final boolean detailErrors;
  private final String ipAddress;
  private final TopicRules topics;
  private final Map<String, String> joins = new HashMap<>(2);
  private int pendingJoins;
  private Set<String> unfenced;
  private long closeNotBefore;

  PhoenixSession(ConnectionFlow out, SessionCalls calls, Authenticator authenticator, GatewayOptions options,
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

  @Override
  public void onFrame(Buffer frame) {
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
        fence(topic);
        reply(joinRef, ref, topic, "ok", new JsonObject());
      }
      default -> onEvent(joinRef, ref, topic, name, payload, frame.length());
    }
  }

  /** A push goes on every topic the socket joined, with the calls event, as the answers of its calls do. */
  @Override
  public void push(String frame) {
    joins.forEach((topic, joinRef) -> out.write("[" + Json.encode(joinRef) + ",null," + Json.encode(topic) + ","
      + Json.encode(event) + "," + frame + "]"));
  }

  @Override
  public void onClose() {
    calls.abandonAll();
  }

  @Override
  public void drain(long reconnectAfterMs) {
    closeNotBefore = System.currentTimeMillis() + reconnectAfterMs;
    unfenced = new HashSet<>(joins.keySet());
    joins.forEach((topic, joinRef) -> out.write(new JsonArray().add(joinRef).add(joinRef).add(topic)
      .add("phx_error").add(new JsonObject().put("reason", "draining")).encode()));
  }

  @Override
  public boolean handedOff() {
    return unfenced != null && unfenced.isEmpty() && calls.idle() && System.currentTimeMillis() >= closeNotBefore;
  }

  @Override
  public void finishCalls(GenApiException failure) {
    calls.finishAll(failure);
  }

  private boolean draining() {
    return unfenced != null;
  }

  private void fence(String topic) {
    if (unfenced != null) {
      unfenced.remove(topic);
    }
  }

  private void join(String joinRef, String ref, String topic, JsonObject params) {
    if (draining()) {
      fence(topic);
      reply(joinRef, ref, topic, "error", new JsonObject().put("reason", "draining"));
      return;
    }
    String refusal = topics.refusal(topic, joins.containsKey(topic) ? 0 : joins.size() + pendingJoins);
    if (refusal != null) {
      reply(joinRef, ref, topic, "error", new JsonObject().put("reason", refusal));
      return;
    }
    String token = params.getValue("token") instanceof String t ? t : null;
    pendingJoins++;
    authenticator.authenticate(token).onComplete(result -> {
      pendingJoins--;
      if (draining()) {
        reply(joinRef, ref, topic, "error", new JsonObject().put("reason", "draining"));
        return;
      }
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
      String ref = draining() ? "null" : Json.encode(joinRef);
      out.write("[" + ref + ",null," + Json.encode(topic) + "," + Json.encode(event) + "," + response.encode() + "]");
    }
  }

  private void reply(String joinRef, String ref, String topic, String status, Object response) {
    out.write(new JsonArray().add(joinRef).add(ref).add(topic).add("phx_reply")
      .add(new JsonObject().put("status", status).put("response", response)).encode());
  }
}
