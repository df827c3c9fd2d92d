package dev.genapi.it;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import dev.genapi.cluster.ClusterOptions;
import dev.genapi.gateway.Gateway;
import dev.genapi.gateway.GatewayOptions;
import dev.genapi.testing.LogCapture;
import dev.genapi.testing.TestCluster;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gateway whose Vert.x is closed without {@code stop()}: its periodic map reads (every second here) and rate-limit
 * rounds (every 200 ms) are due while Vert.x closes; they end with the gateway, before Vert.x closes its workers and
 * event bus.
 */
@DisplayName("Closing Vert.x under a running gateway")
class GatewayCloseClusterTest {

  private static final int ROUNDS = 3;
  private static final long RUNNING_MS = 1500;

  private static ClusterOptions cluster;
  private static Vertx peer;

  @BeforeAll
  static void start() {
    cluster = TestCluster.newCluster().setResyncIntervalMs(1000);
    peer = TestCluster.member(cluster);
  }

  @AfterAll
  static void stop() {
    TestCluster.close(peer);
  }

  @Test
  @DisplayName("stops the gateway first: nothing it started fails in the log once Vert.x is closed")
  void closedWithoutStop() throws InterruptedException {
    LogCapture log = LogCapture.install();
    try {
      for (int round = 0; round < ROUNDS; round++) {
        Vertx vertx = TestCluster.member(cluster);
        Gateway gateway = TestCluster.await(Gateway.start(vertx, new GatewayOptions().setPort(TestCluster.freePort())));
        assertThat(gateway.ready()).isTrue();
        Thread.sleep(RUNNING_MS);
        TestCluster.await(vertx.close());
      }
      Thread.sleep(RUNNING_MS);
    } finally {
      log.close();
    }
    assertThat(log.events().stream().filter(e -> e.getThrowableProxy() != null && fromGenApi(e.getThrowableProxy()))
      .map(GatewayCloseClusterTest::describe)).as("errors through GenApi's code while and after Vert.x closed")
      .isEmpty();
  }

  private static boolean fromGenApi(IThrowableProxy thrown) {
    StackTraceElementProxy[] frames = thrown.getStackTraceElementProxyArray();
    return frames != null && Arrays.stream(frames).anyMatch(f -> f.getSTEAsString().contains("dev.genapi."));
  }

  private static String describe(ILoggingEvent event) {
    return event.getLoggerName() + ": " + event.getFormattedMessage() + ": " + event.getThrowableProxy().getClassName();
  }
}
