package dev.genapi.it;

import dev.genapi.cluster.ClusterOptions;
import dev.genapi.testing.Eventually;
import dev.genapi.testing.Http;
import dev.genapi.testing.JvmFleet;
import dev.genapi.testing.JvmProcess;
import dev.genapi.testing.TestCluster;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.genapi.testing.WsClient.call;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gateway JVM and a demo node JVM started by the launcher with {@code OTEL_TRACES_EXPORTER=logging}, as an operator
 * turns traces on: a call carrying a {@code traceparent} header shows up, under the client's trace id, in the span
 * logged by each JVM. Without the variable (every other JVM test) no span is made.
 */
@DisplayName("Traces across JVMs, configured by OTEL_* variables")
class TracingJvmTest {

  private static final String TRACE_ID = "5bf92f3577b34da6a3ce929d0e0e4737";
  private static final long READY_MS = 90_000;

  private static JvmFleet fleet;
  private static JvmProcess gateway;
  private static JvmProcess node;
  private static Vertx client;
  private static int port;

  @BeforeAll
  static void start() {
    ClusterOptions cluster = TestCluster.newCluster();
    fleet = new JvmFleet(Map.of("OTEL_TRACES_EXPORTER", "logging"), "--cluster-name", cluster.getName(),
      "--cluster-port", Integer.toString(cluster.getPort()));
    client = Vertx.vertx();
    port = TestCluster.freePort();
    gateway = fleet.launch("gateway", "--http-port", Integer.toString(port));
    gateway.awaitLine("GenApi gateway ready", READY_MS);
    node = fleet.launch("node", "--node-name", "traced-demo");
    node.awaitLine("pushed its functions", READY_MS);
  }

  @AfterAll
  static void stop() {
    fleet.close();
    TestCluster.close(client);
  }

  @Test
  @DisplayName("the gateway JVM logs the call's span and the node JVM the execution's, both under the client's trace id")
  void oneTraceAcrossJvms() {
    try (Http http = new Http(client, port)) {
      MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Content-Type", "application/json")
        .add("traceparent", "00-" + TRACE_ID + "-00f067aa0ba902b7-01");
      Http.Reply reply = Eventually.until(() -> http.send(HttpMethod.POST, "/api/call", null,
        call("t1", "demo", "echo", new JsonObject().put("message", "traced")).encode(), headers),
        answer -> answer.json().getBoolean("success"), 30_000);
      assertThat(reply.json().getBoolean("success")).as(reply.json().encode()).isTrue();
    }
    assertThat(spanLines(gateway, "'demo/echo' : " + TRACE_ID)).as("the gateway's span").isNotEmpty();
    assertThat(spanLines(node, "'demo/echo execute' : " + TRACE_ID)).as("the node's span").isNotEmpty();
  }

  private static List<String> spanLines(JvmProcess process, String text) {
    return Eventually.until(() -> process.linesContaining(text), lines -> !lines.isEmpty(), 10_000);
  }
}
