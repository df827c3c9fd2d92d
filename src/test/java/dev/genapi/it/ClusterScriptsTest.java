package dev.genapi.it;

import dev.genapi.testing.TestCluster;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operator scripts as written: {@code scripts/cluster.sh} starts 2 gateways and 2 nodes on loopback,
 * {@code scripts/smoke.sh} calls the demo over every transport of each gateway, and the stop command leaves no
 * process behind.
 */
@DisplayName("The local cluster and smoke scripts")
class ClusterScriptsTest {

  @Test
  @DisplayName("start 2 gateways, 2 nodes and Prometheus, pass the smoke test on each gateway, see the calls in "
    + "Prometheus and in every query of the Grafana dashboard, and stop every process")
  void clusterAndSmoke() throws Exception {
    int httpBase = TestCluster.newCluster().getPort();
    int prometheusPort = TestCluster.freePort();
    Map<String, String> env = Map.of("GENAPI_CLASSPATH", System.getProperty("java.class.path"),
      "GENAPI_CLUSTER_NAME", "genapi-scripts-" + UUID.randomUUID(),
      "GENAPI_CLUSTER_PORT", Integer.toString(TestCluster.newCluster().getPort()),
      "BASE_HTTP_PORT", Integer.toString(httpBase), "PROMETHEUS_PORT", Integer.toString(prometheusPort),
      "PROMETHEUS_SCRAPE_INTERVAL", "1s", "JAVA_OPTS", "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1");
    Vertx vertx = Vertx.vertx();
    try {
      assertThat(run(env, 150, "scripts/cluster.sh", "start", "2", "2", "--prometheus"))
        .contains("gateway-2 running", "node-2 running", "prometheus running");
      List<Long> pids = pids();
      assertThat(pids).hasSize(5);
      String smoke = run(env, 120, "scripts/smoke.sh", "http://127.0.0.1:" + httpBase, "http://127.0.0.1:" + (httpBase + 1));
      assertThat(smoke.lines().filter(line -> line.startsWith("PASS "))).hasSize(8);
      PrometheusQueries.assertCallsScraped(vertx, httpBase, prometheusPort);
      PrometheusQueries.assertDashboardMatches(vertx, httpBase, prometheusPort);
      assertThat(run(env, 90, "scripts/cluster.sh", "stop")).contains("stopped");
      assertThat(pids).allSatisfy(pid -> assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
        .as("process " + pid).isFalse());
    } finally {
      run(env, 90, "scripts/cluster.sh", "stop");
      TestCluster.close(vertx);
    }
  }

  private static List<Long> pids() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("target", "cluster"))) {
      return files.filter(f -> f.toString().endsWith(".pid")).map(f -> {
        try {
          return Long.parseLong(Files.readString(f).trim());
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      }).toList();
    }
  }

  private static String run(Map<String, String> env, long timeoutSeconds, String... command) throws Exception {
    File log = File.createTempFile("genapi-script", ".log");
    log.deleteOnExit();
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log);
    builder.environment().putAll(env);
    Process process = builder.start();
    boolean ended = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
    String output = Files.readString(log.toPath(), StandardCharsets.UTF_8);
    if (!ended) {
      process.destroyForcibly();
    }
    assertThat(ended && process.exitValue() == 0).as(String.join(" ", command) + ":\n" + output).isTrue();
    return output;
  }
}
