package dev.genapi.api;

import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * How many times a failed call is tried again, and where ({@code retry}).
 *
 * @param mode {@link Mode#SAME_NODE} re-tries the selected node, {@link Mode#ALL_NODES} re-resolves the live nodes
 * @param count the number of retries after the first attempt (at least 1)
 */
public record RetryPolicy(Mode mode, int count) {

  /** Where a retry goes. */
  public enum Mode { SAME_NODE, ALL_NODES }

  static final String INVALID = "retry must be null, a positive integer, "
    + "{\"mode\":\"same_node\",\"count\":n} or {\"mode\":\"all_nodes\",\"count\":n}";

  static RetryPolicy parse(Object value, List<String> errors) {
    if (value == null) {
      return null;
    }
    Integer bare = FunConfig.intValue(value);
    if (bare != null && bare > 0) {
      return new RetryPolicy(Mode.ALL_NODES, bare);
    }
    Integer count = value instanceof JsonObject json ? FunConfig.intValue(json.getValue("count")) : null;
    if (count != null && count > 0) {
      JsonObject json = (JsonObject) value;
      if ("same_node".equals(json.getValue("mode"))) {
        return new RetryPolicy(Mode.SAME_NODE, count);
      }
      if ("all_nodes".equals(json.getValue("mode"))) {
        return new RetryPolicy(Mode.ALL_NODES, count);
      }
    }
    errors.add(INVALID);
    return null;
  }

  JsonObject toJson() {
    return new JsonObject().put("mode", mode.name().toLowerCase()).put("count", count);
  }
}
