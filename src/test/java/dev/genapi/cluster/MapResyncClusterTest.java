package dev.genapi.cluster;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.genapi.testing.Eventually;
import dev.genapi.testing.LogCapture;
import dev.genapi.testing.TestCluster;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A local copy of a map is read again once another member has left (the entry events that member had not delivered
 * are lost with it), off the event loop, with one log line; once stopped, it is not.
 */
@DisplayName("Reading a map again after a member left")
@ExtendWith(VertxExtension.class)
class MapResyncClusterTest {

  private static final String RELOADED = "A member left the cluster: reloaded the test copy, 3 entries corrected";

  @Test
  @Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
  @DisplayName("two members leave: the copy is read again on a worker and logged; after stop() a leaving member is ignored")
  void reloadsAfterAMemberLeft(Vertx vertx, VertxTestContext test) {
    AtomicInteger reloads = new AtomicInteger();
    AtomicInteger onEventLoop = new AtomicInteger();
    Logger logger = (Logger) LoggerFactory.getLogger(MapResync.class);
    logger.setLevel(Level.INFO);
    LogCapture log = LogCapture.install();
    // every step on this test's own instance: a chain goes on on the context it started from, and members close
    vertx.executeBlocking(() -> TestCluster.await(TestCluster.join(TestCluster.newCluster(), 4))).compose(members -> {
      Vertx watcher = members.get(0);
      return vertx.executeBlocking(() -> MapResync.start(watcher, "the test copy", () -> {
        if (Context.isOnEventLoopThread()) {
          onEventLoop.incrementAndGet();
        }
        reloads.incrementAndGet();
        return 3;
      })).compose(resync -> leave(vertx, members.get(1), members.get(2))
        .compose(left -> Eventually.poll(vertx, () -> reloads.get() > 0, 20_000, () -> "no reload after members left"))
        .compose(reloaded -> vertx.executeBlocking(() -> {
          resync.stop();
          return reloads.get();
        }))
        .compose(before -> leave(vertx, members.get(3)).compose(left -> vertx.timer(4000)).map(waited -> {
          assertThat(reloads.get()).as("reloads after stop()").isEqualTo(before);
          assertThat(onEventLoop.get()).as("reloads run on an event loop").isZero();
          assertThat(messages(log)).contains(RELOADED);
          return (Void) null;
        }))
        .eventually(() -> leave(vertx, watcher)));
    }).eventually(() -> {
      log.close();
      logger.setLevel(null);
      return Future.succeededFuture();
    }).onComplete(test.succeedingThenComplete());
  }

  /** Closes members from a worker of the test's instance. */
  private static Future<Void> leave(Vertx vertx, Vertx... members) {
    return vertx.executeBlocking(() -> {
      TestCluster.close(members);
      return null;
    });
  }

  private static List<String> messages(LogCapture log) {
    return log.events().stream().map(ILoggingEvent::getFormattedMessage).toList();
  }
}
