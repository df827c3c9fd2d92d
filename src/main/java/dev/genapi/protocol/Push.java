package dev.genapi.protocol;

import dev.genapi.cluster.Addresses;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

import java.util.UUID;

/**
 * A server push: a payload for every connection of one user or one device, or for the member connections of one relay
 * group, on every gateway and transport (native WebSocket, SockJS, Phoenix; not HTTP). Clients receive a Response
 * frame with {@code "push"} naming the target ({@code "user"}, {@code "device"}, {@code "group:<group_id>"}):
 * <pre>{@code {"request_id":"<generated>","success":true,"result":<payload>,"error":null,"code":null,"async":false,
 *  "has_more":false,"can_retry":false,"push":"user"}}</pre>
 * A push is published once on the event bus ({@value Addresses#PUSHES}) and every gateway writes it to its own
 * connections of that target. Delivery is at most once, in order per sender; a connection over its byte budget is
 * closed as a slow client.
 *
 * @param target whom the push is for
 * @param to the user id, device id or group id
 * @param requestId the frame's {@code request_id}
 * @param payload the frame's {@code result}, as JSON text
 * @param connections for a group: its recipients' connections, {@code {<gateway node id>:[<connection number>…]}};
 *     {@code null} otherwise
 */
public record Push(Target target, String to, String requestId, String payload, JsonObject connections) {

  /** Whom a push is for, and the {@code push} value of its frame. */
  public enum Target {
    /** Every connection whose calls carry that {@code user_id} (with JWT: the token's subject). */
    USER("user"),
    /** Every connection whose calls carry that {@code device_id}. */
    DEVICE("device"),
    /** The connections of a relay group's members named in the push ({@code push}: {@code "group:<group_id>"}). */
    GROUP("group");

    private final String wireName;

    Target(String wireName) {
      this.wireName = wireName;
    }

    /** @return the target's name on the event bus; the frame's {@code push} value but for a group */
    public String wireName() {
      return wireName;
    }
  }

  /**
   * @param userId the user
   * @param payload any JSON value (a {@code JsonObject}, a string, a number…)
   * @return a push to every connection of that user, with a generated {@code request_id}
   */
  public static Push toUser(String userId, Object payload) {
    return new Push(Target.USER, userId, UUID.randomUUID().toString(), Json.encode(payload), null);
  }

  /**
   * @param deviceId the device
   * @param payload any JSON value
   * @return a push to every connection of that device, with a generated {@code request_id}
   */
  public static Push toDevice(String deviceId, Object payload) {
    return new Push(Target.DEVICE, deviceId, UUID.randomUUID().toString(), Json.encode(payload), null);
  }

  /**
   * @param groupId the relay group
   * @param requestId the sending call's {@code request_id}
   * @param payload any JSON value
   * @param connections the recipients' connections by gateway node id: {@code {<node id>:[<number>…]}}
   * @return a push to exactly those connections
   */
  public static Push toGroup(String groupId, String requestId, Object payload, JsonObject connections) {
    return new Push(Target.GROUP, groupId, requestId, Json.encode(payload), connections);
  }

  /** Publishes the push to every gateway of the cluster. */
  public void publish(EventBus eventBus) {
    eventBus.publish(Addresses.PUSHES, toJson());
  }

  /**
   * @return the event-bus form: {@code {"target","to","request_id","payload"}}, the payload as JSON text, and
   *     {@code "connections"} for a group
   */
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("target", target.wireName()).put("to", to).put("request_id", requestId)
      .put("payload", payload);
    return connections == null ? json : json.put("connections", connections);
  }

  /**
   * @param json the event-bus form
   * @return the push, or {@code null} when the message is not a well-formed push
   */
  public static Push fromJson(Object json) {
    if (!(json instanceof JsonObject message) || !(message.getValue("to") instanceof String to)
      || !(message.getValue("request_id") instanceof String id) || !(message.getValue("payload") instanceof String p)) {
      return null;
    }
    Object connections = message.getValue("connections");
    for (Target target : Target.values()) {
      if (target.wireName().equals(message.getValue("target"))
        && (target == Target.GROUP) == (connections instanceof JsonObject)) {
        return new Push(target, to, id, p, (JsonObject) connections);
      }
    }
    return null;
  }

  /** @return the frame clients receive */
  public String frame() {
    String name = target == Target.GROUP ? "group:" + to : target.wireName();
    return Response.ok(requestId, new RawJson(Buffer.buffer(payload))).encodePush(name);
  }
}
