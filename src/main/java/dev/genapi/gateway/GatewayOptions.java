package dev.genapi.gateway;

import dev.genapi.config.ConfigOptions;
import dev.genapi.dispatch.NodeRegistry;
import dev.genapi.dispatch.Pipeline;
import dev.genapi.metrics.MetricsOptions;
import dev.genapi.ratelimit.RateLimitOptions;
import dev.genapi.protocol.Request;
import io.vertx.core.json.JsonObject;

/**
 * Options of a GenApi gateway.
 */
public final class GatewayOptions {

  /** Default HTTP interface. */
  public static final String DEFAULT_HOST = "127.0.0.1";
  /** Default HTTP port. */
  public static final int DEFAULT_PORT = 8080;
  /** Default bound on open client connections (WebSocket, SockJS, Phoenix). */
  public static final int DEFAULT_MAX_CONNECTIONS = 100_000;
  /** Default bound on calls in flight on one connection. */
  public static final int DEFAULT_MAX_IN_FLIGHT_PER_CONNECTION = 1000;
  /** Default Phoenix event that carries calls and their responses. */
  public static final String DEFAULT_PHOENIX_EVENT = "phoenix_gen_api";
  /** Default number of {@link GatewayVerticle} instances (event loops serving connections). */
  public static final int DEFAULT_INSTANCES = 1;
  /** Default time calls in flight have to finish once the gateway drains, in milliseconds. */
  public static final long DEFAULT_DRAIN_TIMEOUT_MS = 10_000;
  /** Default window over which a draining gateway spreads its clients' reconnects, in milliseconds. */
  public static final long DEFAULT_DRAIN_RECONNECT_SPREAD_MS = 2000;

  private String host = DEFAULT_HOST;
  private int port = DEFAULT_PORT;
  private Integer adminPort;
  private int instances = DEFAULT_INSTANCES;
  private int maxPayloadBytes = Request.DEFAULT_MAX_PAYLOAD_BYTES;
  private boolean detailErrors;
  private long leaseTimeoutMs = NodeRegistry.DEFAULT_LEASE_TIMEOUT_MS;
  private int maxInFlightPerFunction = Pipeline.DEFAULT_MAX_IN_FLIGHT;
  private String adminToken;
  private ConfigOptions config = new ConfigOptions();
  private RateLimitOptions rateLimits = new RateLimitOptions();
  private AuthOptions auth = new AuthOptions();
  private int maxConnections = DEFAULT_MAX_CONNECTIONS;
  private int maxInFlightPerConnection = DEFAULT_MAX_IN_FLIGHT_PER_CONNECTION;
  private String phoenixEvent = DEFAULT_PHOENIX_EVENT;
  private ClientLimitsOptions clientLimits = new ClientLimitsOptions();
  private McpOptions mcp = new McpOptions();
  private MetricsOptions metrics = new MetricsOptions();
  private ServerTlsOptions tls = new ServerTlsOptions();
  private long drainTimeoutMs = DEFAULT_DRAIN_TIMEOUT_MS;
  private long drainReconnectSpreadMs = DEFAULT_DRAIN_RECONNECT_SPREAD_MS;

  /** Default options. */
  public GatewayOptions() {
  }

  /**
   * @param json keys {@code host}, {@code http_port}, {@code admin_port}, {@code instances}, {@code max_payload_bytes},
   *             {@code detail_errors}, {@code lease_timeout_ms}, {@code max_in_flight_per_function},
   *             {@code admin_token}, {@code rate_limits} ({@link RateLimitOptions}), {@code max_connections},
   *             {@code max_in_flight_per_connection}, {@code phoenix_event}, {@code drain_timeout_ms},
   *             {@code drain_reconnect_spread_ms}, and the keys of {@link AuthOptions},
   *             {@link ClientLimitsOptions}, {@link McpOptions}, {@link MetricsOptions}, {@link ServerTlsOptions} and
   *             {@link ConfigOptions} (push token and pulls)
   */
  public GatewayOptions(JsonObject json) {
    setHost(json.getString("host", DEFAULT_HOST));
    setPort(json.getInteger("http_port", DEFAULT_PORT));
    setAdminPort(json.getInteger("admin_port"));
    setInstances(json.getInteger("instances", DEFAULT_INSTANCES));
    setMaxPayloadBytes(json.getInteger("max_payload_bytes", Request.DEFAULT_MAX_PAYLOAD_BYTES));
    setDetailErrors(json.getBoolean("detail_errors", false));
    setLeaseTimeoutMs(json.getLong("lease_timeout_ms", NodeRegistry.DEFAULT_LEASE_TIMEOUT_MS));
    setMaxInFlightPerFunction(json.getInteger("max_in_flight_per_function", Pipeline.DEFAULT_MAX_IN_FLIGHT));
    setAdminToken(json.getString("admin_token"));
    setConfig(new ConfigOptions(json));
    setRateLimits(new RateLimitOptions(json.getJsonObject("rate_limits", new JsonObject())));
    setAuth(new AuthOptions(json));
    setMaxConnections(json.getInteger("max_connections", DEFAULT_MAX_CONNECTIONS));
    setMaxInFlightPerConnection(json.getInteger("max_in_flight_per_connection", DEFAULT_MAX_IN_FLIGHT_PER_CONNECTION));
    setPhoenixEvent(json.getString("phoenix_event", DEFAULT_PHOENIX_EVENT));
    setClientLimits(new ClientLimitsOptions(json));
    setMcp(new McpOptions(json));
    setMetrics(new MetricsOptions(json));
    setTls(new ServerTlsOptions(json));
    setDrainTimeoutMs(json.getLong("drain_timeout_ms", DEFAULT_DRAIN_TIMEOUT_MS));
    setDrainReconnectSpreadMs(json.getLong("drain_reconnect_spread_ms", DEFAULT_DRAIN_RECONNECT_SPREAD_MS));
  }

  /** @return the JSON form */
  public JsonObject toJson() {
    return new JsonObject().put("host", host).put("http_port", port).put("admin_port", adminPort)
      .put("instances", instances)
      .put("max_payload_bytes", maxPayloadBytes).put("detail_errors", detailErrors)
      .put("lease_timeout_ms", leaseTimeoutMs).put("max_in_flight_per_function", maxInFlightPerFunction)
      .put("rate_limits", rateLimits.toJson()).put("max_connections", maxConnections)
      .put("max_in_flight_per_connection", maxInFlightPerConnection).put("phoenix_event", phoenixEvent)
      .put("drain_timeout_ms", drainTimeoutMs).put("drain_reconnect_spread_ms", drainReconnectSpreadMs)
      .mergeIn(auth.toJson()).mergeIn(clientLimits.toJson()).mergeIn(mcp.toJson()).mergeIn(metrics.toJson())
      .mergeIn(tls.toJson()).mergeIn(config.toJson());
  }

  /** @return the interface the HTTP server binds */
  public String getHost() { return host; }

  /** @param host the HTTP interface @return a reference to this, so the API can be used fluently */
  public GatewayOptions setHost(String host) {
    this.host = host;
    return this;
  }

  /** @return the HTTP port */
  public int getPort() { return port; }

  /** @param port the HTTP port (0 for any free port) @return a reference to this, so the API can be used fluently */
  public GatewayOptions setPort(int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
    }
    this.port = port;
    return this;
  }

  /**
   * @return the port of a second HTTP server, on the same host, that alone serves the admin API, {@code /metrics} and
   *   the health endpoints (the client port then answers {@code 404} for them); {@code null} (the default) serves
   *   them on the client port
   */
  public Integer getAdminPort() { return adminPort; }

  /**
   * @param port the admin port (0 for any free port), or {@code null} to serve the admin API, {@code /metrics} and
   *             the health endpoints on the client port
   * @return a reference to this, so the API can be used fluently
   */
  public GatewayOptions setAdminPort(Integer port) {
    if (port != null && (port < 0 || port > 65535)) {
      throw new IllegalArgumentException("adminPort: " + port + " (expected: 0..65535)");
    }
    this.adminPort = port;
    return this;
  }

  /** @return the number of gateway verticle instances */
  public int getInstances() { return instances; }

  /** @param instances verticle instances @return a reference to this, so the API can be used fluently */
  public GatewayOptions setInstances(int instances) {
    if (instances < 1) {
      throw new IllegalArgumentException("instances: " + instances + " (expected: > 0)");
    }
    this.instances = instances;
    return this;
  }

  /** @return the largest call frame accepted, in bytes */
  public int getMaxPayloadBytes() { return maxPayloadBytes; }

  /** @param maxPayloadBytes the frame limit @return a reference to this, so the API can be used fluently */
  public GatewayOptions setMaxPayloadBytes(int maxPayloadBytes) {
    if (maxPayloadBytes < 256) {
      throw new IllegalArgumentException("maxPayloadBytes: " + maxPayloadBytes + " (expected: >= 256)");
    }
    this.maxPayloadBytes = maxPayloadBytes;
    return this;
  }

  /** @return whether {@code INTERNAL} errors show their reason to clients */
  public boolean isDetailErrors() { return detailErrors; }

  /** @param detailErrors show reasons @return a reference to this, so the API can be used fluently */
  public GatewayOptions setDetailErrors(boolean detailErrors) {
    this.detailErrors = detailErrors;
    return this;
  }

  /** @return how long a node lease stays valid without renewal, in milliseconds */
  public long getLeaseTimeoutMs() { return leaseTimeoutMs; }

  /** @param leaseTimeoutMs the lease timeout @return a reference to this, so the API can be used fluently */
  public GatewayOptions setLeaseTimeoutMs(long leaseTimeoutMs) {
    if (leaseTimeoutMs < 500) {
      throw new IllegalArgumentException("leaseTimeoutMs: " + leaseTimeoutMs + " (expected: >= 500)");
    }
    this.leaseTimeoutMs = leaseTimeoutMs;
    return this;
  }

  /** @return the bound on calls in flight per function on this gateway; more answer {@code OVERLOADED} */
  public int getMaxInFlightPerFunction() { return maxInFlightPerFunction; }

  /** @param max the in-flight bound @return a reference to this, so the API can be used fluently */
  public GatewayOptions setMaxInFlightPerFunction(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("maxInFlightPerFunction: " + max + " (expected: > 0)");
    }
    this.maxInFlightPerFunction = max;
    return this;
  }

  /** @return the bearer token of the admin API, or {@code null} when the admin API is off */
  public String getAdminToken() { return adminToken; }

  /** @param adminToken the admin token @return a reference to this, so the API can be used fluently */
  public GatewayOptions setAdminToken(String adminToken) {
    this.adminToken = adminToken == null || adminToken.isEmpty() ? null : adminToken;
    return this;
  }

  /** @return how this gateway accepts pushes and pulls configurations */
  public ConfigOptions getConfig() { return config; }

  /** @param config push and pull settings @return a reference to this, so the API can be used fluently */
  public GatewayOptions setConfig(ConfigOptions config) {
    this.config = config;
    return this;
  }

  /** @return the rate limits this gateway seeds the cluster with (the cluster's current ones win) */
  public RateLimitOptions getRateLimits() { return rateLimits; }

  /** @param rateLimits the initial rate limits @return a reference to this, so the API can be used fluently */
  public GatewayOptions setRateLimits(RateLimitOptions rateLimits) {
    this.rateLimits = rateLimits;
    return this;
  }

  /** @return how callers are identified */
  public AuthOptions getAuth() { return auth; }

  /** @param auth the identity options @return a reference to this, so the API can be used fluently */
  public GatewayOptions setAuth(AuthOptions auth) {
    this.auth = auth;
    return this;
  }

  /** @return the bound on open client connections; more are refused */
  public int getMaxConnections() { return maxConnections; }

  /** @param max the connection bound @return a reference to this, so the API can be used fluently */
  public GatewayOptions setMaxConnections(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("maxConnections: " + max + " (expected: > 0)");
    }
    this.maxConnections = max;
    return this;
  }

  /** @return the bound on calls in flight on one connection; more answer {@code OVERLOADED} */
  public int getMaxInFlightPerConnection() { return maxInFlightPerConnection; }

  /** @param max the per-connection bound @return a reference to this, so the API can be used fluently */
  public GatewayOptions setMaxInFlightPerConnection(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("maxInFlightPerConnection: " + max + " (expected: > 0)");
    }
    this.maxInFlightPerConnection = max;
    return this;
  }

  /** @return the Phoenix event that carries calls and their responses */
  public String getPhoenixEvent() { return phoenixEvent; }

  /** @param event the Phoenix event @return a reference to this, so the API can be used fluently */
  public GatewayOptions setPhoenixEvent(String event) {
    this.phoenixEvent = event;
    return this;
  }

  /** @return the bounds on clients: byte budgets, idle timeouts, Phoenix topics, origins, trusted proxies */
  public ClientLimitsOptions getClientLimits() { return clientLimits; }

  /** @param limits the client bounds @return a reference to this, so the API can be used fluently */
  public GatewayOptions setClientLimits(ClientLimitsOptions limits) {
    this.clientLimits = limits;
    return this;
  }

  /** @return the bounds of the MCP endpoint: open sessions, idle expiry */
  public McpOptions getMcp() { return mcp; }

  /** @param mcp the MCP endpoint's bounds @return a reference to this, so the API can be used fluently */
  public GatewayOptions setMcp(McpOptions mcp) {
    this.mcp = mcp;
    return this;
  }

  /** @return how GenApi's meters are exported: the call-duration buckets */
  public MetricsOptions getMetrics() { return metrics; }

  /** @param metrics the meters' export options @return a reference to this, so the API can be used fluently */
  public GatewayOptions setMetrics(MetricsOptions metrics) {
    this.metrics = metrics;
    return this;
  }

  /** @return TLS for clients: {@code https}/{@code wss} with a PEM certificate and key, off by default */
  public ServerTlsOptions getTls() { return tls; }

  /** @param tls TLS for clients @return a reference to this, so the API can be used fluently */
  public GatewayOptions setTls(ServerTlsOptions tls) {
    this.tls = tls;
    return this;
  }

  /** @return how long calls in flight may take to finish once the gateway drains, in milliseconds */
  public long getDrainTimeoutMs() { return drainTimeoutMs; }

  /** @param drainTimeoutMs the drain budget @return a reference to this, so the API can be used fluently */
  public GatewayOptions setDrainTimeoutMs(long drainTimeoutMs) {
    if (drainTimeoutMs < 0) {
      throw new IllegalArgumentException("drainTimeoutMs: " + drainTimeoutMs + " (expected: >= 0)");
    }
    this.drainTimeoutMs = drainTimeoutMs;
    return this;
  }

  /**
   * @return the window over which a draining gateway spreads its clients' reconnects: each connection is told to
   *   reconnect after a delay drawn uniformly from it (used up to half the drain timeout)
   */
  public long getDrainReconnectSpreadMs() { return drainReconnectSpreadMs; }

  /** @param spreadMs the reconnect window @return a reference to this, so the API can be used fluently */
  public GatewayOptions setDrainReconnectSpreadMs(long spreadMs) {
    if (spreadMs < 0) {
      throw new IllegalArgumentException("drainReconnectSpreadMs: " + spreadMs + " (expected: >= 0)");
    }
    this.drainReconnectSpreadMs = spreadMs;
    return this;
  }
}
