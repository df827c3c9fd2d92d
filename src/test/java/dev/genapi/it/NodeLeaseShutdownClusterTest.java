package dev.genapi.it;

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
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A node whose Hazelcast member shuts down under it (kill of the cluster, a shutdown hook first) stops renewing. */
@DisplayName("A node whose Hazelcast member shut down")
@ExtendWith(VertxExtension.class)
class NodeLeaseShutdownClusterTest {

  private static final String STOPS_RENEWING =
    "Node short-lived stops renewing its lease: its Hazelcast member has shut down";

  private Vertx gatewayVertx;
  private Vertx nodeVertx;
  private LogCapture log;

  @Test
  @Timeout(value = 45, timeUnit = TimeUnit.SECONDS)
  @DisplayName("stops renewing its lease with one log line and no stack trace, also once its Vert.x closes; the gateway "
    + "lets the node go")
  void stopsRenewing(Vertx vertx, VertxTestContext test) {
    ClusterOptions cluster = TestCluster.newCluster();
    TestCluster.join(cluster).compose(first -> {
      gatewayVertx = first;
      return TestCluster.join(cluster);
    }).compose(second -> {
      nodeVertx = second;
      log = LogCapture.install();
      return Gateway.start(gatewayVertx, new GatewayOptions().setPort(TestCluster.freePort()));
    }).compose(gateway -> {
      ServiceNode node = DemoService.registerOn(ServiceNode.create(nodeVertx, new ServiceNodeOptions()
        .setName("short-lived").setLeaseRenewMs(200)), nodeVertx);
      return node.start().compose(v -> node.registered())
        .compose(registered -> terminateNodeMember(vertx))
        .compose(terminated -> Eventually.poll(vertx, () -> logged(STOPS_RENEWING), 5000, this::loggedSoFar))
        .compose(stopped -> Eventually.poll(vertx, () -> gateway.nodes().snapshot().isEmpty(), 15_000,
          () -> "nodes still known to the gateway: " + gateway.nodes().snapshot()));
    }).eventually(this::closeAll).map(closed -> {
      // closing the node's Vert.x stops the node too, its member already gone
      assertThat(log.stackTracesThroughGenApi()).as("stack traces through GenApi's code").isEmpty();
      return (Void) null;
    }).onComplete(test.succeedingThenComplete());
  }

  /** Kills the node's Hazelcast member, off the event loops (terminating blocks until it is down). */
  private Future<Void> terminateNodeMember(Vertx vertx) {
    return vertx.executeBlocking(() -> {
      ClusterSupport.hazelcast(nodeVertx).getLifecycleService().terminate();
      return null;
    });
  }

  private boolean logged(String message) {
    return log.events().stream().anyMatch(e -> e.getFormattedMessage().equals(message));
  }

  private String loggedSoFar() {
    return log.events().stream().map(e -> e.getLoggerName() + " " + e.getFormattedMessage()).toList().toString();
  }

  private Future<Void> closeAll() {
    return TestCluster.leave(nodeVertx).eventually(() -> TestCluster.leave(gatewayVertx)).onComplete(closed -> {
      if (log != null) {
        log.close();
      }
    });
  }
}
