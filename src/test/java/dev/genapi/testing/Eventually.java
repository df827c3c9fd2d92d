package dev.genapi.testing;

import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Repeats an observation until it matches: for changes that travel through the cluster asynchronously.
 */
public final class Eventually {

  private Eventually() {
  }

  /**
   * @return the first value that matches, or the last one seen after about {@code timeoutMs}
   */
  public static <T> T until(Supplier<T> observe, Predicate<T> done, long timeoutMs) {
    long end = System.currentTimeMillis() + timeoutMs;
    T value = observe.get();
    while (!done.test(value) && System.currentTimeMillis() < end) {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return value;
      }
      value = observe.get();
    }
    return value;
  }
}
