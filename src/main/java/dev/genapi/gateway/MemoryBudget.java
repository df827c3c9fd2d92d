package dev.genapi.gateway;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes every client connection of one gateway holds together (calls in flight and frames waiting to be written),
 * against a bound: over it, new calls answer {@code OVERLOADED} instead of the heap running out.
 */
final class MemoryBudget {

  private final long max;
  private final AtomicLong held = new AtomicLong();
  private final AtomicLong peak = new AtomicLong();
  private final AtomicLong slowClients = new AtomicLong();

  MemoryBudget(long max) {
    this.max = max;
  }

  /** @return whether a new call of that many bytes fits (it is then counted) */
  boolean tryHold(long bytes) {
    long now = held.addAndGet(bytes);
    if (now > max) {
      held.addAndGet(-bytes);
      return false;
    }
    raisePeak(now);
    return true;
  }

  /** Counts bytes that must be held whatever the bound (a frame to write). */
  void hold(long bytes) {
    raisePeak(held.addAndGet(bytes));
  }

  /** Counts a client disconnected for staying over its budget. */
  void slowClient() {
    slowClients.incrementAndGet();
  }

  void release(long bytes) {
    held.addAndGet(-bytes);
  }

  long held() {
    return held.get();
  }

  /** @return the most bytes held at once since the gateway started */
  long peak() {
    return peak.get();
  }

  long slowClients() {
    return slowClients.get();
  }

  private void raisePeak(long now) {
    if (now > peak.get()) {
      peak.accumulateAndGet(now, Math::max);
    }
  }
}
