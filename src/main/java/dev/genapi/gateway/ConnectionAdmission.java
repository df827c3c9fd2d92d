package dev.genapi.gateway;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Which TCP connections a gateway takes, whatever they carry (HTTP calls, WebSocket, SockJS, Phoenix): at most
 * {@code max_connections} in all and {@code max_connections_per_address} from one client address (connections from
 * trusted proxies are bounded by the total only). Also counts the open sessions of each transport, for the metrics.
 */
final class ConnectionAdmission {

  /** The transports that hold sessions. */
  enum Transport { WEBSOCKET, SOCKJS, PHOENIX, LONGPOLL }

  private final int max;
  private final int maxPerAddress;
  private final ClientAddresses addresses;
  private final AtomicInteger open = new AtomicInteger();
  private final Map<String, AtomicInteger> byAddress = new ConcurrentHashMap<>();
  private final Map<Transport, AtomicInteger> byTransport = new EnumMap<>(Transport.class);

  ConnectionAdmission(int max, int maxPerAddress, ClientAddresses addresses) {
    this.max = max;
    this.maxPerAddress = maxPerAddress;
    this.addresses = addresses;
    for (Transport transport : Transport.values()) {
      byTransport.put(transport, new AtomicInteger());
    }
  }

  /**
   * @param address the peer's address
   * @return whether the connection is taken; if so, {@link #close} must follow when it closes
   */
  boolean open(String address) {
    if (open.incrementAndGet() > max) {
      open.decrementAndGet();
      return false;
    }
    if (address == null || addresses.trusted(address)) {
      return true;
    }
    AtomicInteger count = byAddress.computeIfAbsent(address, a -> new AtomicInteger());
    if (count.incrementAndGet() > maxPerAddress) {
      close(address);
      return false;
    }
    return true;
  }

  void close(String address) {
    open.decrementAndGet();
    if (address != null) {
      byAddress.computeIfPresent(address, (a, count) -> count.decrementAndGet() <= 0 ? null : count);
    }
  }

  void sessionOpened(Transport transport) {
    byTransport.get(transport).incrementAndGet();
  }

  void sessionClosed(Transport transport) {
    byTransport.get(transport).decrementAndGet();
  }

  int sessions(Transport transport) {
    return byTransport.get(transport).get();
  }

  ClientAddresses addresses() {
    return addresses;
  }
}
