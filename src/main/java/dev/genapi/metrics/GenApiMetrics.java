package dev.genapi.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.vertx.micrometer.backends.BackendRegistries;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * GenApi's own meters, built once: calls by service, request_type and code with their latency, calls in flight,
 * stream chunks, retries, connections by transport, registry size and changes, live nodes. Tags never hold request
 * ids or user ids; calls to unknown functions are counted under {@value #UNKNOWN} so clients cannot create meters.
 * The meters live in the Vert.x Micrometer registry when metrics are enabled (then also exported at {@code /metrics}),
 * else in Micrometer's global registry.
 */
public final class GenApiMetrics {

  /** The service and request_type tag of calls to functions that are not registered. */
  public static final String UNKNOWN = "_unknown";

  private final MeterRegistry registry;
  private final Counter streamChunks;
  private final Counter retries;

  /** Meters in the Vert.x registry of this JVM (or the global one). */
  public GenApiMetrics() {
    MeterRegistry backend = BackendRegistries.getDefaultNow();
    if (backend != null && !Metrics.globalRegistry.getRegistries().contains(backend)) {
      Metrics.addRegistry(backend);
    }
    this.registry = backend != null ? backend : Metrics.globalRegistry;
    this.streamChunks = Counter.builder("genapi.stream.chunks").description("Stream chunks sent to clients")
      .register(registry);
    this.retries = Counter.builder("genapi.retries").description("Attempts retried after a failure")
      .register(registry);
  }

  /**
   * Counts one finished call.
   *
   * @param code {@code OK} or the error code
   */
  public void call(String service, String requestType, String code, long nanos) {
    Tags tags = Tags.of("service", service, "request_type", requestType, "code", code);
    registry.counter("genapi.calls", tags).increment();
    Timer.builder("genapi.call.duration").description("Time from a call's arrival to its last frame")
      .tags(tags).publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
      .maximumExpectedValue(Duration.ofSeconds(60)).register(registry).record(Duration.ofNanos(nanos));
  }

  /** Counts one stream chunk. */
  public void streamChunk() {
    streamChunks.increment();
  }

  /** Counts one retried attempt. */
  public void retry() {
    retries.increment();
  }

  /**
   * Registers a gauge read on every scrape.
   *
   * @param name the meter name
   * @param description what it measures
   * @param tags its tags, as key/value pairs
   * @param value how to read it
   */
  public void gauge(String name, String description, Supplier<Number> value, String... tags) {
    io.micrometer.core.instrument.Gauge.builder(name, value).description(description).tags(tags).register(registry);
  }
}
