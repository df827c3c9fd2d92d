package dev.genapi.gateway;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bound on open client connections of one gateway, across transports.
 */
final class ConnectionLimit {

  private final int max;
  private final AtomicInteger open = new AtomicInteger();

  ConnectionLimit(int max) {
    this.max = max;
  }

  /** @return whether one more connection may open (and it is counted) */
  boolean tryAcquire() {
    if (open.incrementAndGet() > max) {
      open.decrementAndGet();
      return false;
    }
    return true;
  }

  void release() {
    open.decrementAndGet();
  }

  int open() {
    return open.get();
  }
}
