package dev.genapi.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("GenApi's meters")
class GenApiMetricsTest {

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private GenApiMetrics metrics;

  @BeforeEach
  void register() {
    Metrics.addRegistry(meters);
    metrics = new GenApiMetrics();
  }

  @AfterEach
  void unregister() {
    Metrics.removeRegistry(meters);
  }

  @Test
  @DisplayName("the gateway's gauges have their names and tags, and read their value on every scrape")
  void gauges() {
    AtomicInteger open = new AtomicInteger(2);
    metrics.registryGauges(() -> 5, () -> 7);
    metrics.liveNodesGauge(() -> 1);
    metrics.inFlightGauge(() -> 0);
    metrics.clientGauges(() -> 100, () -> 0);
    metrics.connectionsGauge("test-transport", open::get);
    open.set(3);
    Gauge connections = meters.find("genapi.connections").tag("transport", "test-transport").gauge();
    assertThat(connections.value()).isEqualTo(3);
    for (String name : new String[] {"genapi.registry.functions", "genapi.registry.changes", "genapi.nodes.live",
      "genapi.calls.in_flight", "genapi.client.bytes", "genapi.clients.slow_disconnects"}) {
      assertThat(meters.find(name).gauge()).as(name).isNotNull();
    }
  }

  @Test
  @DisplayName("in Prometheus, a function's call duration has one bucket per configured bound and +Inf, cumulative")
  void fewBuckets() {
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Metrics.addRegistry(prometheus);
    try {
      CallMeters calls = new GenApiMetrics(new MetricsOptions().setLatencyBucketsMs(List.of(1.0, 10.0, 100.0)))
        .calls("buckets/timed/1.0.0", "buckets", "timed");
      for (long micros : new long[] {500, 5_000, 50_000, 500_000}) {
        calls.record(null, micros * 1000);
      }
      List<String> buckets = prometheus.scrape().lines()
        .filter(line -> line.startsWith("genapi_call_duration_seconds_bucket{") && line.contains("service=\"buckets\""))
        .toList();
      assertThat(buckets).hasSize(4);
      assertThat(buckets).anySatisfy(line -> assertThat(line).contains("le=\"0.001\"").endsWith(" 1"))
        .anySatisfy(line -> assertThat(line).contains("le=\"0.01\"").endsWith(" 2"))
        .anySatisfy(line -> assertThat(line).contains("le=\"0.1\"").endsWith(" 3"))
        .anySatisfy(line -> assertThat(line).contains("le=\"+Inf\"").endsWith(" 4"));
    } finally {
      Metrics.removeRegistry(prometheus);
    }
  }

  @Test
  @DisplayName("bucket bounds come from JSON numbers or strings; none, too many, unordered or not numbers are refused")
  void bucketOptions() {
    assertThat(new MetricsOptions(new JsonObject().put("latency_buckets_ms", new JsonArray().add(0.5).add("2")))
      .getLatencyBucketsMs()).containsExactly(0.5, 2.0);
    assertThat(new MetricsOptions().getLatencyBucketsMs()).isEqualTo(MetricsOptions.DEFAULT_LATENCY_BUCKETS_MS);
    assertThatThrownBy(() -> new MetricsOptions().setLatencyBucketsMs(List.of()))
      .hasMessage("latency_buckets_ms: [] (expected: 1 to 20 bounds)");
    assertThatThrownBy(() -> new MetricsOptions().setLatencyBucketsMs(List.of(10.0, 5.0)))
      .hasMessage("latency_buckets_ms: [10.0, 5.0] (expected: positive milliseconds, strictly increasing)");
    assertThatThrownBy(() -> new MetricsOptions().setLatencyBucketsMs(List.of(0.0)))
      .hasMessageContaining("positive milliseconds");
    assertThatThrownBy(() -> new MetricsOptions(new JsonObject().put("latency_buckets_ms", new JsonArray().add("ten"))))
      .hasMessage("latency_buckets_ms: 'ten' is not a number");
    assertThatThrownBy(() -> new MetricsOptions().setLatencyBucketsMs(Collections.nCopies(21, 1.0)))
      .hasMessageContaining("1 to 20");
  }

  @Test
  @DisplayName("rejected entries are counted per map; a map that does not exist is refused")
  void rejectedEntries() {
    Counter functions = meters.find("genapi.registry.rejected").tag("map", GenApiMetrics.FUNCTIONS_MAP).counter();
    double before = functions.count();
    metrics.rejectedEntry(GenApiMetrics.FUNCTIONS_MAP);
    assertThat(functions.count()).isEqualTo(before + 1);
    assertThatThrownBy(() -> metrics.rejectedEntry("elsewhere")).isInstanceOf(IllegalArgumentException.class)
      .hasMessage("map: elsewhere (expected: functions or settings)");
  }
}
