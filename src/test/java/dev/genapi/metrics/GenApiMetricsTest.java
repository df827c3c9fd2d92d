package dev.genapi.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

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
