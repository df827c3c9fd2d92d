package dev.genapi.api;

import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * How a gateway chooses among the live nodes of a function ({@code choose_node_mode}).
 *
 * @param kind the strategy
 * @param key for {@link Kind#HASH} and {@link Kind#STICKY}: the arg name (or {@code user_id}/{@code device_id} for
 *            sticky) whose value picks the node; {@code null} for hashing on the request_id
 */
public record NodeMode(Kind kind, String key) {

  /** The selection strategies. */
  public enum Kind { RANDOM, HASH, ROUND_ROBIN, STICKY }

  /** The default: a uniformly random live node. */
  public static final NodeMode RANDOM = new NodeMode(Kind.RANDOM, null);

  static final String INVALID = "choose_node_mode must be random, hash, round_robin, "
    + "{\"mode\":\"hash\",\"key\":k} or {\"mode\":\"sticky\",\"key\":k}";

  static NodeMode parse(Object value, List<String> errors) {
    if (value == null || "random".equals(value)) {
      return RANDOM;
    }
    if ("hash".equals(value)) {
      return new NodeMode(Kind.HASH, null);
    }
    if ("round_robin".equals(value)) {
      return new NodeMode(Kind.ROUND_ROBIN, null);
    }
    if (value instanceof JsonObject json && json.getValue("key") instanceof String key && !key.isEmpty()) {
      if ("hash".equals(json.getValue("mode"))) {
        return new NodeMode(Kind.HASH, key);
      }
      if ("sticky".equals(json.getValue("mode"))) {
        return new NodeMode(Kind.STICKY, key);
      }
    }
    errors.add(INVALID);
    return RANDOM;
  }

  Object toJson() {
    if (key == null) {
      return kind.name().toLowerCase();
    }
    return new JsonObject().put("mode", kind.name().toLowerCase()).put("key", key);
  }
}
