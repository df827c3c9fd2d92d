package dev.genapi.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.vertx.micrometer.backends.BackendRegistries;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * GenApi's own meters, built once: calls by service, request_type and code with their latency, calls in flight,
 * stream chunks, retries, rate-limit checks and rejections by scope, connections by transport, registry size, changes
 * and rejected entries, live nodes. Tags never hold request ids, user ids or other key values; calls to unknown
 * functions are counted under {@value #UNKNOWN} so clients cannot create meters. The meters live in the Vert.x
 * Micrometer registry when metrics are enabled (then also exported at {@code /metrics}), else in Micrometer's global
 * registry.
 */
public final class GenApiMetrics {

  /** The service and request_type tag of calls to functions that are not registered. */
  public static final String UNKNOWN = "_unknown";
  /** The {@code map} tag of rejected entries of the function registry's map. */
  public static final String FUNCTIONS_MAP = "functions";
  /** The {@code map} tag of rejected entries of the rate-limit settings' map. */
  public static final String SETTINGS_MAP = "settings";

  private final MeterRegistry registry;
  private final Duration[] latencyBuckets;
  private final Counter streamChunks;
  private final Counter retries;
  private final Counter pushes;
  private final Counter rateLimitChecks;
  private final Map<String, Counter> rejectedEntries;
  private final Map<String, CallMeters> calls = new ConcurrentHashMap<>();

  /** Meters in the Vert.x registry of this JVM (or the global one), with the default options. */
  public GenApiMetrics() {
    this(new MetricsOptions());
  }

  /** Meters in the Vert.x registry of this JVM (or the global one), exported as these options say. */
  public GenApiMetrics(MetricsOptions options) {
    this.latencyBuckets = options.getLatencyBucketsMs().stream()
      .map(ms -> Duration.ofNanos(Math.round(ms * 1_000_000))).toArray(Duration[]::new);
    MeterRegistry backend = BackendRegistries.getDefaultNow();
    if (backend != null && !Metrics.globalRegistry.getRegistries().contains(backend)) {
      Metrics.addRegistry(backend);
    }
    this.registry = backend != null ? backend : Metrics.globalRegistry;
    this.streamChunks = Counter.builder("genapi.stream.chunks").description("Stream chunks sent to clients")
      .register(registry);
    this.retries = Counter.builder("genapi.retries").description("Attempts retried after a failure")
      .register(registry);
    this.pushes = Counter.builder("genapi.pushes.delivered").description("Server push frames written to connections")
      .register(registry);
    this.rateLimitChecks = Counter.builder("genapi.ratelimit.checks")
      .description("Calls checked against the rate limits").register(registry);
    this.rejectedEntries = Map.of(FUNCTIONS_MAP, rejectedEntries(FUNCTIONS_MAP), SETTINGS_MAP,
      rejectedEntries(SETTINGS_MAP));
  }

  private Counter rejectedEntries(String map) {
    return Counter.builder("genapi.registry.rejected")
      .description("Cluster map entries not used: unsealed, forged or invalid").tag("map", map).register(registry);
  }

  /**
   * @param functionKey the function's key (service/request_type/version), or {@value #UNKNOWN} for an unknown one
   * @return the meters of that function's calls, the same instance for every call
   */
  public CallMeters calls(String functionKey, String service, String requestType) {
    return calls.computeIfAbsent(functionKey, k -> new CallMeters(registry, latencyBuckets, service, requestType));
  }

  /** Counts one stream chunk. */
  public void streamChunk() {
    streamChunks.increment();
  }

  /** Counts one retried attempt. */
  public void retry() {
    retries.increment();
  }

  /** Counts the connections one server push was written to, on one event loop. */
  public void pushed(int connections) {
    pushes.increment(connections);
  }

  /** Counts one call checked against the rate limits. */
  public void rateLimitChecked() {
    rateLimitChecks.increment();
  }

  /**
   * @param scope {@code global} or {@code <service>/<request_type>}: a limit in force, so the operator bounds the tags
   * @return the counter of calls refused by a limit of that scope; build it once per limit, not per call
   */
  public Counter rateLimitRejections(String scope) {
    return Counter.builder("genapi.ratelimit.rejections").description("Calls refused by a rate limit, by its scope")
      .tag("scope", scope).register(registry);
  }

  /**
   * Counts one entry of a cluster map that this gateway would not use, as it was not written by an authorised writer
   * or cannot be read.
   *
   * @param map which map: {@value #FUNCTIONS_MAP} or {@value #SETTINGS_MAP}
   */
  public void rejectedEntry(String map) {
    Counter rejected = rejectedEntries.get(map);
    if (rejected == null) {
      throw new IllegalArgumentException("map: " + map + " (expected: " + FUNCTIONS_MAP + " or " + SETTINGS_MAP + ")");
    }
    rejected.increment();
  }

  /**
   * Gauges the local function index, read on every scrape.
   *
   * @param functions the functions in this gateway's index
   * @param changes the registry changes this gateway applied
   */
  public void registryGauges(Supplier<Number> functions, Supplier<Number> changes) {
    gauge("genapi.registry.functions", "Functions in this gateway's index", functions);
    gauge("genapi.registry.changes", "Registry changes this gateway applied", changes);
  }

  /** Gauges the service nodes with a current lease, read on every scrape. */
  public void liveNodesGauge(Supplier<Number> liveNodes) {
    gauge("genapi.nodes.live", "Service nodes with a current lease", liveNodes);
  }

  /** Gauges the calls in flight on this gateway, read on every scrape. */
  public void inFlightGauge(Supplier<Number> inFlight) {
    gauge("genapi.calls.in_flight", "Calls in flight on this gateway", inFlight);
  }

  /**
   * Gauges what clients hold of this gateway, read on every scrape.
   *
   * @param held the bytes held for clients: calls in flight and frames not yet written
   * @param slowDisconnects the clients disconnected for staying over their byte budget
   */
  public void clientGauges(Supplier<Number> held, Supplier<Number> slowDisconnects) {
    gauge("genapi.client.bytes", "Bytes held for clients: calls in flight and frames not yet written", held);
    gauge("genapi.clients.slow_disconnects", "Clients disconnected for staying over their byte budget",
      slowDisconnects);
  }

  /**
   * Gauges the open client connections of one transport, read on every scrape.
   *
   * @param transport the transport's tag, e.g. {@code websocket}
   * @param open the connections open over it
   */
  public void connectionsGauge(String transport, Supplier<Number> open) {
    gauge("genapi.connections", "Open client connections", open, "transport", transport);
  }

  private void gauge(String name, String description, Supplier<Number> value, String... tags) {
    Gauge.builder(name, value).description(description).tags(tags).register(registry);
  }
}
