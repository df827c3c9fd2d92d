package dev.genapi.gateway;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes every client connection of one gateway holds together (calls in flight and frames waiting to be written),
 * against a bound: over it, new calls answer {@code OVERLOADED} instead of the heap running out.
 */
final class MemoryBudget {

  private final long max;
  private final AtomicLong held = new AtomicLong();

  MemoryBudget(long max) {
    this.max = max;
  }

  /** @return whether a new call of that many bytes fits (it is then counted) */
  boolean tryHold(long bytes) {
    if (held.addAndGet(bytes) > max) {
      held.addAndGet(-bytes);
      return false;
    }
    return true;
  }

  /** Counts bytes that must be held whatever the bound (a frame to write). */
  void hold(long bytes) {
    held.addAndGet(bytes);
  }

  void release(long bytes) {
    held.addAndGet(-bytes);
  }

  long held() {
    return held.get();
  }
}
