package dev.genapi.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.Map;

/**
 * How a gateway accepts pushes and pulls configurations.
 */
public final class ConfigOptions {

  /** Default delay before the first pull, in milliseconds. */
  public static final long DEFAULT_FIRST_PULL_MS = 1000;
  /** Default interval between pulls of a healthy service, in milliseconds. */
  public static final long DEFAULT_PULL_INTERVAL_MS = 30_000;
  /** Default bound on the backoff of a failing service, in milliseconds. */
  public static final long DEFAULT_PULL_MAX_BACKOFF_MS = 300_000;
  /** Default timeout of one pull request, in milliseconds. */
  public static final long DEFAULT_PULL_TIMEOUT_MS = 5000;

  private String pushToken;
  private Map<String, String> pushTokens = Map.of();
  private JsonArray serviceConfigs = new JsonArray();
  private long firstPullMs = DEFAULT_FIRST_PULL_MS;
  private long pullIntervalMs = DEFAULT_PULL_INTERVAL_MS;
  private long pullMaxBackoffMs = DEFAULT_PULL_MAX_BACKOFF_MS;
  private long pullTimeoutMs = DEFAULT_PULL_TIMEOUT_MS;

  /** Default options: no push token, nothing to pull. */
  public ConfigOptions() {
  }

  /**
   * @param json keys {@code push_token}, {@code push_tokens} (service to token), {@code service_configs} (a list of
   *             {@code {"service", "nodes":[...], "version_check":true}}), {@code first_pull_ms},
   *             {@code pull_interval_ms}, {@code pull_max_backoff_ms}, {@code pull_timeout_ms}
   */
  public ConfigOptions(JsonObject json) {
    setPushToken(json.getString("push_token"));
    setPushTokens(tokens(json.getJsonObject("push_tokens", new JsonObject())));
    setServiceConfigs(json.getJsonArray("service_configs", new JsonArray()));
    setFirstPullMs(json.getLong("first_pull_ms", DEFAULT_FIRST_PULL_MS));
    setPullIntervalMs(json.getLong("pull_interval_ms", DEFAULT_PULL_INTERVAL_MS));
    setPullMaxBackoffMs(json.getLong("pull_max_backoff_ms", DEFAULT_PULL_MAX_BACKOFF_MS));
    setPullTimeoutMs(json.getLong("pull_timeout_ms", DEFAULT_PULL_TIMEOUT_MS));
  }

  /** @return the JSON form (push tokens are not written) */
  public JsonObject toJson() {
    return new JsonObject().put("service_configs", serviceConfigs).put("first_pull_ms", firstPullMs)
      .put("pull_interval_ms", pullIntervalMs).put("pull_max_backoff_ms", pullMaxBackoffMs)
      .put("pull_timeout_ms", pullTimeoutMs);
  }

  /** @return the token of every service without its own in {@link #getPushTokens()}, or {@code null} */
  public String getPushToken() { return pushToken; }

  /** @param pushToken the push token @return a reference to this, so the API can be used fluently */
  public ConfigOptions setPushToken(String pushToken) {
    this.pushToken = pushToken == null || pushToken.isEmpty() ? null : pushToken;
    return this;
  }

  /** @return each service's own push token, which replaces {@link #getPushToken()} for that service */
  public Map<String, String> getPushTokens() { return pushTokens; }

  /** @param pushTokens service to token @return a reference to this, so the API can be used fluently */
  public ConfigOptions setPushTokens(Map<String, String> pushTokens) {
    this.pushTokens = Map.copyOf(pushTokens);
    return this;
  }

  /**
   * @param service a service
   * @return the token that authorises writing that service's functions (pushes, pulls, enable, disable, delete) and
   *     seals them in the registry, or {@code null} when anyone may
   */
  public String pushTokenFor(String service) {
    return pushTokens.getOrDefault(service, pushToken);
  }

  /** @return the services to pull: {@code {"service", "nodes":[...], "version_check":true}} */
  public JsonArray getServiceConfigs() { return serviceConfigs; }

  /** @param serviceConfigs the services to pull @return a reference to this, so the API can be used fluently */
  public ConfigOptions setServiceConfigs(JsonArray serviceConfigs) {
    this.serviceConfigs = serviceConfigs;
    return this;
  }

  /** @return the delay before the first pull in milliseconds */
  public long getFirstPullMs() { return firstPullMs; }

  /** @param ms the first delay @return a reference to this, so the API can be used fluently */
  public ConfigOptions setFirstPullMs(long ms) {
    this.firstPullMs = positive("firstPullMs", ms);
    return this;
  }

  /** @return the interval between pulls of a healthy service in milliseconds */
  public long getPullIntervalMs() { return pullIntervalMs; }

  /** @param ms the interval @return a reference to this, so the API can be used fluently */
  public ConfigOptions setPullIntervalMs(long ms) {
    this.pullIntervalMs = positive("pullIntervalMs", ms);
    return this;
  }

  /** @return the bound on the backoff of a failing service in milliseconds */
  public long getPullMaxBackoffMs() { return pullMaxBackoffMs; }

  /** @param ms the bound @return a reference to this, so the API can be used fluently */
  public ConfigOptions setPullMaxBackoffMs(long ms) {
    this.pullMaxBackoffMs = positive("pullMaxBackoffMs", ms);
    return this;
  }

  /** @return the timeout of one pull request in milliseconds */
  public long getPullTimeoutMs() { return pullTimeoutMs; }

  /** @param ms the timeout @return a reference to this, so the API can be used fluently */
  public ConfigOptions setPullTimeoutMs(long ms) {
    this.pullTimeoutMs = positive("pullTimeoutMs", ms);
    return this;
  }

  private static Map<String, String> tokens(JsonObject json) {
    Map<String, String> tokens = new HashMap<>();
    json.forEach(entry -> {
      if (!(entry.getValue() instanceof String token) || token.isEmpty()) {
        throw new IllegalArgumentException("push_tokens." + entry.getKey() + ": expected a non-empty string");
      }
      tokens.put(entry.getKey(), token);
    });
    return tokens;
  }

  private static long positive(String name, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
    }
    return value;
  }
}
