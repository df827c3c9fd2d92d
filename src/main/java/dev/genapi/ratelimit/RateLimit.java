package dev.genapi.ratelimit;

import dev.genapi.api.InvalidConfigException;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One limit: at most {@code maxRequests} calls per {@code windowMs} for each value of {@code key}. A global limit
 * applies to every call; an API limit only to its service and request_type.
 *
 * @param key {@code user_id}, {@code device_id}, {@code ip_address}, or the name of an arg
 * @param maxRequests calls admitted per window and key value
 * @param windowMs the sliding window, in milliseconds
 * @param service for an API limit, its service; {@code null} for a global limit
 * @param requestType for an API limit, its function; {@code null} for a global limit
 */
public record RateLimit(String key, int maxRequests, long windowMs, String service, String requestType) {

  /** The most calls one limit may admit per window (each key keeps one timestamp per admitted call). */
  public static final int MAX_REQUESTS_BOUND = 100_000;

  /** @return an id that changes when anything about the limit changes */
  public String id() {
    return (service == null ? "*" : service + "/" + requestType) + "|" + key + "|" + maxRequests + "|" + windowMs;
  }

  /** @return whether this is a global limit */
  public boolean global() {
    return service == null;
  }

  /** @return the calls it applies to */
  public LimitScope scope() {
    return global() ? LimitScope.GLOBAL : new LimitScope(service, requestType);
  }

  /** @return whether the other limit has the same scope, key and window (only its {@code max_requests} may differ) */
  public boolean sameWindow(RateLimit other) {
    return Objects.equals(service, other.service) && Objects.equals(requestType, other.requestType)
      && key.equals(other.key) && windowMs == other.windowMs;
  }

  /**
   * Reads one limit: {@code {"key","max_requests","window_ms"}}, with {@code service} and {@code request_type} for
   * an API limit.
   *
   * @throws InvalidConfigException listing every problem
   */
  public static RateLimit fromJson(JsonObject json) {
    List<String> errors = new ArrayList<>();
    RateLimit limit = parse(json, json.containsKey("service") || json.containsKey("request_type"), "limit", errors);
    if (limit == null) {
      throw new InvalidConfigException(errors);
    }
    return limit;
  }

  static RateLimit parse(Object value, boolean api, String where, List<String> errors) {
    if (!(value instanceof JsonObject json)) {
      errors.add(where + ": must be an object");
      return null;
    }
    int before = errors.size();
    String key = text(json, "key", where, errors);
    String service = api ? text(json, "service", where, errors) : null;
    String requestType = api ? text(json, "request_type", where, errors) : null;
    Object max = json.getValue("max_requests");
    if (!(max instanceof Integer m && m > 0 && m <= MAX_REQUESTS_BOUND)) {
      errors.add(where + ": max_requests must be an integer between 1 and " + MAX_REQUESTS_BOUND);
    }
    Object window = json.getValue("window_ms");
    if (!(window instanceof Number w && w.longValue() > 0 && w.doubleValue() == w.longValue())) {
      errors.add(where + ": window_ms must be a positive integer");
    }
    if (errors.size() > before) {
      return null;
    }
    return new RateLimit(key, (Integer) max, ((Number) window).longValue(), service, requestType);
  }

  /** @return the JSON form, as {@code global_limits} and {@code api_limits} list limits */
  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    if (service != null) {
      json.put("service", service).put("request_type", requestType);
    }
    return json.put("key", key).put("max_requests", maxRequests).put("window_ms", windowMs);
  }

  private static String text(JsonObject json, String name, String where, List<String> errors) {
    if (json.getValue(name) instanceof String s && !s.isEmpty()) {
      return s;
    }
    errors.add(where + ": " + name + " must be a non-empty string");
    return null;
  }
}
