package dev.genapi.ratelimit;

import dev.genapi.api.InvalidConfigException;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Which limits a removal names: those of one scope and key, or only the one of them with a given window.
 *
 * @param scope the limits' scope
 * @param key the limits' key
 * @param windowMs the limit's {@code window_ms}, or {@code null} for every window
 */
public record LimitSelector(LimitScope scope, String key, Long windowMs) {

  /**
   * @throws IllegalArgumentException when the key is empty
   */
  public LimitSelector {
    Objects.requireNonNull(scope, "scope");
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException("key must be non-empty");
    }
  }

  /**
   * Reads a selector in the JSON form of one limit: {@code key}, {@code service} and {@code request_type} for an API
   * limit (neither for a global one), {@code window_ms} optional; {@code max_requests} is not looked at.
   *
   * @throws InvalidConfigException listing every problem
   */
  public static LimitSelector fromJson(JsonObject json) {
    List<String> errors = new ArrayList<>();
    LimitScope scope = LimitScope.of(json, errors);
    if (!(json.getValue("key") instanceof String key && !key.isEmpty())) {
      errors.add("key must be a non-empty string");
    }
    Object window = json.getValue("window_ms");
    if (window != null && !(window instanceof Number w && w.longValue() > 0 && w.doubleValue() == w.longValue())) {
      errors.add("window_ms must be a positive integer");
    }
    if (!errors.isEmpty()) {
      throw new InvalidConfigException(errors);
    }
    return new LimitSelector(scope, json.getString("key"), window == null ? null : ((Number) window).longValue());
  }

  /** @return whether it names that limit */
  public boolean matches(RateLimit limit) {
    return scope.covers(limit) && key.equals(limit.key()) && (windowMs == null || windowMs == limit.windowMs());
  }
}
