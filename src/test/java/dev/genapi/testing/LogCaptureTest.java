package dev.genapi.testing;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The hostile-client tests trust {@link LogCapture} to see the stack traces that Vert.x, Netty or GenApi would print:
 * here a real Vert.x reports an exception thrown on its event loop, and the capture must fail the test.
 */
@DisplayName("LogCapture")
class LogCaptureTest {

  private static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    TestCluster.close(vertx);
  }

  @Test
  @DisplayName("fails on the stack trace Vert.x logs for an exception thrown on an event loop")
  void vertxStackTrace() {
    LogCapture log = LogCapture.install();
    vertx.runOnContext(v -> {
      throw new IllegalStateException("thrown on the event loop");
    });
    List<String> traces = Eventually.until(log::stackTraces, found -> !found.isEmpty(), 5000);
    assertThat(traces).singleElement().asString().contains("java.lang.IllegalStateException: thrown on the event loop");
    assertThatThrownBy(log::closeAndAssertNoStackTraces).isInstanceOf(AssertionError.class)
      .hasMessageContaining("stack traces in the gateway's log").hasMessageContaining("thrown on the event loop");
  }

  @Test
  @DisplayName("fails on a stack trace logged through java.util.logging, and passes on warnings without one")
  void julAndCleanLines() {
    LogCapture log = LogCapture.install();
    LoggerFactory.getLogger(LogCaptureTest.class).warn("a warning without a failure");
    java.util.logging.Logger.getLogger("some.jul.library")
      .log(java.util.logging.Level.SEVERE, "failed", new IllegalArgumentException("from JUL"));
    assertThat(log.events()).extracting(e -> e.getFormattedMessage()).contains("a warning without a failure", "failed");
    assertThat(log.stackTraces())
      .containsExactly("some.jul.library: failed: java.lang.IllegalArgumentException: from JUL");
    assertThatThrownBy(log::closeAndAssertNoStackTraces).isInstanceOf(AssertionError.class);

    LogCapture clean = LogCapture.install();
    LoggerFactory.getLogger(LogCaptureTest.class).warn("a warning without a failure");
    clean.closeAndAssertNoStackTraces();
    assertThat(clean.events()).hasSize(1);
  }
}
