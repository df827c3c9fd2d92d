package dev.genapi.it;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import dev.genapi.cluster.ClusterOptions;
import dev.genapi.cluster.ClusterSupport;
import dev.genapi.demo.DemoService;
import dev.genapi.gateway.Gateway;
import dev.genapi.gateway.GatewayOptions;
import dev.genapi.node.ServiceNode;
import dev.genapi.node.ServiceNodeOptions;
import dev.genapi.testing.Eventually;
import dev.genapi.testing.LogCapture;
import dev.genapi.testing.TestCluster;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static dev.genapi.testing.TestCluster.await;
import static org.assertj.core.api.Assertions.assertThat;

/** A node whose Hazelcast member shuts down under it (kill of the cluster, a shutdown hook first) stops renewing. */
@DisplayName("A node whose Hazelcast member shut down")
class NodeLeaseShutdownClusterTest {

  @Test
  @DisplayName("stops renewing its lease with one log line and no stack trace; the gateway lets the node go")
  void stopsRenewing() {
    ClusterOptions cluster = TestCluster.newCluster();
    Vertx gatewayVertx = TestCluster.member(cluster);
    Vertx nodeVertx = TestCluster.member(cluster);
    LogCapture log = LogCapture.install();
    try {
      Gateway gateway = await(Gateway.start(gatewayVertx, new GatewayOptions().setPort(TestCluster.freePort())));
      ServiceNode node = DemoService.registerOn(ServiceNode.create(nodeVertx, new ServiceNodeOptions()
        .setName("short-lived").setLeaseRenewMs(200)), nodeVertx);
      await(node.start());
      await(node.registered());
      ClusterSupport.hazelcast(nodeVertx).getLifecycleService().terminate();
      assertThat(Eventually.until(() -> log.events().stream().anyMatch(e -> e.getFormattedMessage()
        .equals("Node short-lived stops renewing its lease: its Hazelcast member has shut down")), seen -> seen, 5000))
        .as(() -> log.events().stream().map(e -> e.getLoggerName() + " " + e.getFormattedMessage()).toList().toString())
        .isTrue();
      assertThat(Eventually.until(() -> gateway.nodes().snapshot().size(), n -> n == 0, 15_000)).isZero();
      assertThat(log.events().stream().filter(e -> e.getThrowableProxy() != null && fromGenApi(e.getThrowableProxy()))
        .map(ILoggingEvent::getFormattedMessage)).as("stack traces through GenApi's code").isEmpty();
    } finally {
      log.close();
      TestCluster.close(nodeVertx);
      TestCluster.close(gatewayVertx);
    }
  }

  private static boolean fromGenApi(IThrowableProxy throwable) {
    StackTraceElementProxy[] frames = throwable.getStackTraceElementProxyArray();
    return frames != null && Arrays.stream(frames).anyMatch(f -> f.getSTEAsString().contains("dev.genapi."));
  }
}
