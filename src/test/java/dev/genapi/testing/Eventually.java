package dev.genapi.testing;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Repeats an observation until it matches: for changes that travel through the cluster asynchronously.
 */
public final class Eventually {

  private static final long EVERY_MS = 100;

  private Eventually() {
  }

  /**
   * Observes on a Vert.x timer.
   *
   * @return done once the condition holds, failed with {@code what} once it has not for about {@code timeoutMs}
   */
  public static Future<Void> poll(Vertx vertx, BooleanSupplier condition, long timeoutMs, Supplier<String> what) {
    Promise<Void> done = Promise.promise();
    long end = System.currentTimeMillis() + timeoutMs;
    check(vertx, condition, end, timeoutMs, what, done);
    return done.future();
  }

  /**
   * Repeats an observation that is itself a future (an HTTP or WebSocket call) on a Vert.x timer.
   *
   * @return the first observation that matches, or the last one after about {@code timeoutMs}
   */
  public static <T> Future<T> until(Vertx vertx, Supplier<Future<T>> observe, Predicate<T> done, long timeoutMs) {
    return untilBy(vertx, observe, done, System.currentTimeMillis() + timeoutMs);
  }

  private static <T> Future<T> untilBy(Vertx vertx, Supplier<Future<T>> observe, Predicate<T> done, long end) {
    return observe.get().compose(value -> done.test(value) || System.currentTimeMillis() >= end
      ? Future.succeededFuture(value)
      : vertx.timer(EVERY_MS).compose(t -> untilBy(vertx, observe, done, end)));
  }

  private static void check(Vertx vertx, BooleanSupplier condition, long end, long timeoutMs, Supplier<String> what,
                            Promise<Void> done) {
    try {
      if (condition.getAsBoolean()) {
        done.complete();
      } else if (System.currentTimeMillis() >= end) {
        done.fail(new AssertionError(what.get() + " (waited " + timeoutMs + " ms)"));
      } else {
        vertx.setTimer(EVERY_MS, t -> check(vertx, condition, end, timeoutMs, what, done));
      }
    } catch (RuntimeException | AssertionError e) {
      done.fail(e);
    }
  }

  /**
   * Observes on the calling thread, for tests that script separate JVMs step by step.
   *
   * @return the first value that matches, or the last one seen after about {@code timeoutMs}
   */
  public static <T> T until(Supplier<T> observe, Predicate<T> done, long timeoutMs) {
    long end = System.currentTimeMillis() + timeoutMs;
    T value = observe.get();
    while (!done.test(value) && System.currentTimeMillis() < end) {
      try {
        Thread.sleep(EVERY_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return value;
      }
      value = observe.get();
    }
    return value;
  }
}
