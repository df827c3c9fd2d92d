package dev.genapi.gateway;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * The bounds a gateway puts on its clients, whatever their transport: bytes held per connection and per gateway, how
 * long a client may stay over its budget, connections per address, idle and heartbeat timeouts, Phoenix topics, the
 * origins allowed to connect and the proxies whose forwarding headers are believed. The JSON keys sit in
 * {@code gateway.json} next to the other gateway settings.
 */
public final class ClientLimitsOptions {

  /** Default bound on the bytes one connection holds: its calls in flight plus the frames waiting to be written. */
  public static final long DEFAULT_MAX_CONNECTION_BYTES = 4L << 20;
  /** Default fraction of the heap that every connection of a gateway may hold together. */
  public static final double DEFAULT_GATEWAY_HEAP_FRACTION = 0.25;
  /** Default time a client may stay over its byte budget before it is disconnected. */
  public static final long DEFAULT_SLOW_CLIENT_TIMEOUT_MS = 5_000;
  /** Default bound on open connections from one client address. */
  public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 1_000;
  /** Default interval of the server's pings on native WebSockets. */
  public static final long DEFAULT_PING_INTERVAL_MS = 25_000;
  /** Default time without any frame from a client before its WebSocket is closed. */
  public static final long DEFAULT_IDLE_TIMEOUT_MS = 60_000;
  /**
   * Default time a Phoenix long poll is held when nothing waits for it (the {@code phoenix} client gives up after
   * 20 s); a session no poll reached for 1.5 times as long is closed.
   */
  public static final long DEFAULT_LONG_POLL_WINDOW_MS = 10_000;
  /** Default bound on the topics one Phoenix socket joins. */
  public static final int DEFAULT_MAX_PHOENIX_TOPICS = 100;
  /** Default bound on the length of a Phoenix topic. */
  public static final int DEFAULT_MAX_PHOENIX_TOPIC_BYTES = 256;

  private long maxConnectionBytes = DEFAULT_MAX_CONNECTION_BYTES;
  private long maxGatewayBytes = (long) (Runtime.getRuntime().maxMemory() * DEFAULT_GATEWAY_HEAP_FRACTION);
  private long slowClientTimeoutMs = DEFAULT_SLOW_CLIENT_TIMEOUT_MS;
  private int maxConnectionsPerAddress = DEFAULT_MAX_CONNECTIONS_PER_ADDRESS;
  private long pingIntervalMs = DEFAULT_PING_INTERVAL_MS;
  private long idleTimeoutMs = DEFAULT_IDLE_TIMEOUT_MS;
  private long longPollWindowMs = DEFAULT_LONG_POLL_WINDOW_MS;
  private int maxPhoenixTopics = DEFAULT_MAX_PHOENIX_TOPICS;
  private int maxPhoenixTopicBytes = DEFAULT_MAX_PHOENIX_TOPIC_BYTES;
  private List<String> phoenixTopics = List.of("*");
  private List<String> allowedOrigins = List.of();
  private List<String> trustedProxies = List.of();

  /** Default bounds. */
  public ClientLimitsOptions() {
  }

  /**
   * @param json keys {@code max_connection_bytes}, {@code max_gateway_bytes}, {@code slow_client_timeout_ms},
   *             {@code max_connections_per_address}, {@code ping_interval_ms}, {@code idle_timeout_ms},
   *             {@code long_poll_window_ms},
   *             {@code max_phoenix_topics}, {@code max_phoenix_topic_bytes}, {@code phoenix_topics},
   *             {@code allowed_origins}, {@code trusted_proxies} (lists as JSON arrays or comma-separated strings)
   */
  public ClientLimitsOptions(JsonObject json) {
    setMaxConnectionBytes(json.getLong("max_connection_bytes", DEFAULT_MAX_CONNECTION_BYTES));
    setMaxGatewayBytes(json.getLong("max_gateway_bytes", maxGatewayBytes));
    setSlowClientTimeoutMs(json.getLong("slow_client_timeout_ms", DEFAULT_SLOW_CLIENT_TIMEOUT_MS));
    setMaxConnectionsPerAddress(json.getInteger("max_connections_per_address", DEFAULT_MAX_CONNECTIONS_PER_ADDRESS));
    setPingIntervalMs(json.getLong("ping_interval_ms", DEFAULT_PING_INTERVAL_MS));
    setIdleTimeoutMs(json.getLong("idle_timeout_ms", DEFAULT_IDLE_TIMEOUT_MS));
    setLongPollWindowMs(json.getLong("long_poll_window_ms", DEFAULT_LONG_POLL_WINDOW_MS));
    setMaxPhoenixTopics(json.getInteger("max_phoenix_topics", DEFAULT_MAX_PHOENIX_TOPICS));
    setMaxPhoenixTopicBytes(json.getInteger("max_phoenix_topic_bytes", DEFAULT_MAX_PHOENIX_TOPIC_BYTES));
    setPhoenixTopics(list(json.getValue("phoenix_topics"), phoenixTopics));
    setAllowedOrigins(list(json.getValue("allowed_origins"), allowedOrigins));
    setTrustedProxies(list(json.getValue("trusted_proxies"), trustedProxies));
  }

  /** @return the JSON form */
  public JsonObject toJson() {
    return new JsonObject().put("max_connection_bytes", maxConnectionBytes).put("max_gateway_bytes", maxGatewayBytes)
      .put("slow_client_timeout_ms", slowClientTimeoutMs).put("max_connections_per_address", maxConnectionsPerAddress)
      .put("ping_interval_ms", pingIntervalMs).put("idle_timeout_ms", idleTimeoutMs)
      .put("long_poll_window_ms", longPollWindowMs)
      .put("max_phoenix_topics", maxPhoenixTopics).put("max_phoenix_topic_bytes", maxPhoenixTopicBytes)
      .put("phoenix_topics", new JsonArray(phoenixTopics)).put("allowed_origins", new JsonArray(allowedOrigins))
      .put("trusted_proxies", new JsonArray(trustedProxies));
  }

  /** @return the bytes one connection may hold: calls in flight plus frames waiting to be written */
  public long getMaxConnectionBytes() { return maxConnectionBytes; }

  /** @param bytes the per-connection budget @return a reference to this, so the API can be used fluently */
  public ClientLimitsOptions setMaxConnectionBytes(long bytes) {
    this.maxConnectionBytes = positive("max_connection_bytes", bytes);
    return this;
  }

  /** @return the bytes every connection of the gateway may hold together; over it new calls answer OVERLOADED */
  public long getMaxGatewayBytes() { return maxGatewayBytes; }

  /** @param bytes the gateway-wide budget @return a reference to this, so the API can be used fluently */
  public ClientLimitsOptions setMaxGatewayBytes(long bytes) {
    this.maxGatewayBytes = positive("max_gateway_bytes", bytes);
    return this;
  }

  /** @return how long a client may stay over its byte budget with frames it does not read */
  public long getSlowClientTimeoutMs() { return slowClientTimeoutMs; }

  /** @param ms the slow-client timeout @return a reference to this, so the API can be used fluently */
  public ClientLimitsOptions setSlowClientTimeoutMs(long ms) {
    this.slowClientTimeoutMs = positive("slow_client_timeout_ms", ms);
    return this;
  }

  /** @return the bound on open connections from one client address (connections from trusted proxies excepted) */
  public int getMaxConnectionsPerAddress() { return maxConnectionsPerAddress; }

  /** @param max the per-address bound @return a reference to this, so the API can be used fluently */
  public ClientLimitsOptions setMaxConnectionsPerAddress(int max) {
    this.maxConnectionsPerAddress = (int) positive("max_connections_per_address", max);
    return this;
  }

  /** @return the interval of the server's pings on native WebSockets */
  public long getPingIntervalMs() { return pingIntervalMs; }

  /** @param ms the ping interval @return a reference to this, so the API can be used fluently */
  public ClientLimitsOptions setPingIntervalMs(long ms) {
    this.pingIntervalMs = positive("ping_interval_ms", ms);
    return this;
  }

  /** @return how long a WebSocket may stay without a frame from its client (a heartbeat on Phoenix) */
  public long getIdleTimeoutMs() { return idleTimeoutMs; }

  /** @param ms the idle timeout @return a reference to this, so the API can be used fluently */
  public ClientLimitsOptions setIdleTimeoutMs(long ms) {
    this.idleTimeoutMs = positive("idle_timeout_ms", ms);
    return this;
  }

  /** @return how long a Phoenix long poll is held when nothing waits for it */
  public long getLongPollWindowMs() { return longPollWindowMs; }

  /** @param ms the long-poll window @return a reference to this, so the API can be used fluently */
  public ClientLimitsOptions setLongPollWindowMs(long ms) {
    this.longPollWindowMs = positive("long_poll_window_ms", ms);
    return this;
  }

  /** @return the bound on topics one Phoenix socket joins */
  public int getMaxPhoenixTopics() { return maxPhoenixTopics; }

  /** @param max the topic bound @return a reference to this, so the API can be used fluently */
  public ClientLimitsOptions setMaxPhoenixTopics(int max) {
    this.maxPhoenixTopics = (int) positive("max_phoenix_topics", max);
    return this;
  }

  /** @return the bound on a Phoenix topic's length, in bytes */
  public int getMaxPhoenixTopicBytes() { return maxPhoenixTopicBytes; }

  /** @param max the topic length bound @return a reference to this, so the API can be used fluently */
  public ClientLimitsOptions setMaxPhoenixTopicBytes(int max) {
    this.maxPhoenixTopicBytes = (int) positive("max_phoenix_topic_bytes", max);
    return this;
  }

  /** @return the topics a Phoenix socket may join: exact names, or prefixes ending in {@code *} */
  public List<String> getPhoenixTopics() { return phoenixTopics; }

  /** @param topics the topic patterns @return a reference to this, so the API can be used fluently */
  public ClientLimitsOptions setPhoenixTopics(List<String> topics) {
    this.phoenixTopics = List.copyOf(topics);
    return this;
  }

  /**
   * @return the origins allowed to open connections and call {@code /api/call} ({@code scheme://host[:port]}, or
   *   {@code *}); empty: only requests without an {@code Origin} header or from the gateway's own host
   */
  public List<String> getAllowedOrigins() { return allowedOrigins; }

  /** @param origins the allowed origins @return a reference to this, so the API can be used fluently */
  public ClientLimitsOptions setAllowedOrigins(List<String> origins) {
    this.allowedOrigins = List.copyOf(origins);
    return this;
  }

  /** @return the proxies (CIDRs or addresses) whose {@code X-Forwarded-For} / {@code Forwarded} headers are believed */
  public List<String> getTrustedProxies() { return trustedProxies; }

  /** @param proxies the trusted proxies @return a reference to this, so the API can be used fluently */
  public ClientLimitsOptions setTrustedProxies(List<String> proxies) {
    this.trustedProxies = List.copyOf(proxies);
    return this;
  }

  private static long positive(String key, long value) {
    if (value < 1) {
      throw new IllegalArgumentException(key + ": " + value + " (expected: > 0)");
    }
    return value;
  }

  private static List<String> list(Object value, List<String> fallback) {
    if (value instanceof JsonArray array) {
      return array.stream().map(String::valueOf).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
    if (value instanceof String text) {
      return java.util.Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
    return fallback;
  }
}
