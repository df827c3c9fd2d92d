package dev.genapi.gateway;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bound on open client connections of one gateway, across transports, and the count per transport.
 */
final class ConnectionLimit {

  /** The transports that hold connections. */
  enum Transport { WEBSOCKET, SOCKJS, PHOENIX }

  private final int max;
  private final AtomicInteger open = new AtomicInteger();
  private final java.util.Map<Transport, AtomicInteger> byTransport = new java.util.EnumMap<>(Transport.class);

  ConnectionLimit(int max) {
    this.max = max;
    for (Transport transport : Transport.values()) {
      byTransport.put(transport, new AtomicInteger());
    }
  }

  /** @return whether one more connection may open (and it is counted) */
  boolean tryAcquire(Transport transport) {
    if (open.incrementAndGet() > max) {
      open.decrementAndGet();
      return false;
    }
    byTransport.get(transport).incrementAndGet();
    return true;
  }

  void release(Transport transport) {
    open.decrementAndGet();
    byTransport.get(transport).decrementAndGet();
  }

  int open(Transport transport) {
    return byTransport.get(transport).get();
  }
}
