package dev.genapi.ratelimit;

import dev.genapi.api.InvalidConfigException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * The rate limits of a gateway, in the JSON form of {@code PUT /admin/rate-limits}:
 * <pre>{@code {"enabled":true, "fail_open":true, "cluster":true, "sync_interval_ms":200, "max_keys":100000,
 *  "global_limits":[{"key":"user_id","max_requests":100,"window_ms":10000}],
 *  "api_limits":[{"service":"demo","request_type":"echo","key":"ip_address","max_requests":5,"window_ms":2000}]}}</pre>
 */
public final class RateLimitOptions {

  /** Default interval between exchanges of counts among gateways, in milliseconds. */
  public static final long DEFAULT_SYNC_INTERVAL_MS = 200;
  /** Default for the most keys each limit tracks on its own; further keys share one overflow window. */
  public static final int DEFAULT_MAX_KEYS = 100_000;
  /** The largest {@code max_keys} accepted. */
  public static final int MAX_KEYS_BOUND = 10_000_000;

  private final boolean enabled;
  private final boolean failOpen;
  private final boolean cluster;
  private final long syncIntervalMs;
  private final int maxKeys;
  private final List<RateLimit> globalLimits;
  private final List<RateLimit> apiLimits;

  /** No limits. */
  public RateLimitOptions() {
    this(new JsonObject());
  }

  /**
   * @param json the JSON form; absent keys take their defaults (enabled, fail open, cluster mode, 200 ms,
   *   100,000 keys, no limits)
   * @throws InvalidConfigException listing every problem
   */
  public RateLimitOptions(JsonObject json) {
    List<String> errors = new ArrayList<>();
    enabled = bool(json, "enabled", true, errors);
    failOpen = bool(json, "fail_open", true, errors);
    cluster = bool(json, "cluster", true, errors);
    Object interval = json.getValue("sync_interval_ms", DEFAULT_SYNC_INTERVAL_MS);
    if (!(interval instanceof Number n && n.longValue() >= 10 && n.longValue() <= 10_000)) {
      errors.add("sync_interval_ms must be between 10 and 10000");
    }
    syncIntervalMs = interval instanceof Number n ? n.longValue() : DEFAULT_SYNC_INTERVAL_MS;
    Object keys = json.getValue("max_keys", DEFAULT_MAX_KEYS);
    if (!(keys instanceof Integer k && k > 0 && k <= MAX_KEYS_BOUND)) {
      errors.add("max_keys must be an integer between 1 and " + MAX_KEYS_BOUND);
    }
    maxKeys = keys instanceof Integer k ? k : DEFAULT_MAX_KEYS;
    globalLimits = limits(json, "global_limits", false, errors);
    apiLimits = limits(json, "api_limits", true, errors);
    if (!errors.isEmpty()) {
      throw new InvalidConfigException(errors);
    }
  }

  /** @return the JSON form */
  public JsonObject toJson() {
    return new JsonObject().put("enabled", enabled).put("fail_open", failOpen).put("cluster", cluster)
      .put("sync_interval_ms", syncIntervalMs).put("max_keys", maxKeys)
      .put("global_limits", new JsonArray(globalLimits.stream().map(RateLimit::toJson).toList()))
      .put("api_limits", new JsonArray(apiLimits.stream().map(RateLimit::toJson).toList()));
  }

  /** @return whether limits are enforced at all */
  public boolean isEnabled() { return enabled; }
  /** @return whether a call is admitted when the limiter itself fails */
  public boolean isFailOpen() { return failOpen; }
  /** @return whether gateways exchange counts so that limits hold across the cluster */
  public boolean isCluster() { return cluster; }
  /** @return the interval between exchanges of counts, in milliseconds */
  public long getSyncIntervalMs() { return syncIntervalMs; }
  /** @return the most keys each limit tracks on its own; calls with further keys are limited together as one */
  public int getMaxKeys() { return maxKeys; }
  /** @return limits checked on every call, in order */
  public List<RateLimit> getGlobalLimits() { return globalLimits; }
  /** @return limits of one function each, checked after the global ones */
  public List<RateLimit> getApiLimits() { return apiLimits; }

  /**
   * @return these options with the limit added (checked after the others of its scope), or in place of the limit of
   *   the same scope, key and window
   */
  public RateLimitOptions withLimit(RateLimit limit) {
    List<RateLimit> limits = new ArrayList<>(limit.global() ? globalLimits : apiLimits);
    int position = limits.size();
    for (int i = limits.size() - 1; i >= 0; i--) {
      if (limits.get(i).sameWindow(limit)) {
        limits.remove(i);
        position = i;
      }
    }
    limits.add(position, limit);
    return with(limit.global() ? "global_limits" : "api_limits", limits);
  }

  /** @return these options without the limits the selector names; these same options when it names none */
  public RateLimitOptions withoutLimits(LimitSelector which) {
    List<RateLimit> limits = which.scope().global() ? globalLimits : apiLimits;
    List<RateLimit> kept = limits.stream().filter(limit -> !which.matches(limit)).toList();
    return kept.size() == limits.size() ? this : with(which.scope().global() ? "global_limits" : "api_limits", kept);
  }

  private RateLimitOptions with(String list, List<RateLimit> limits) {
    return new RateLimitOptions(toJson().put(list, new JsonArray(limits.stream().map(RateLimit::toJson).toList())));
  }

  private static boolean bool(JsonObject json, String key, boolean fallback, List<String> errors) {
    Object value = json.getValue(key, fallback);
    if (value instanceof Boolean b) {
      return b;
    }
    errors.add(key + " must be a boolean");
    return fallback;
  }

  private static List<RateLimit> limits(JsonObject json, String key, boolean api, List<String> errors) {
    Object value = json.getValue(key);
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof JsonArray array)) {
      errors.add(key + " must be a list");
      return List.of();
    }
    List<RateLimit> limits = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      RateLimit limit = RateLimit.parse(array.getValue(i), api, key + "[" + i + "]", errors);
      if (limit != null) {
        limits.add(limit);
      }
    }
    return List.copyOf(limits);
  }
}
