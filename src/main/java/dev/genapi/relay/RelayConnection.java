package dev.genapi.relay;

import io.vertx.core.Future;

import java.util.HashSet;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A client connection as relay groups know it: its cluster-unique id, which members are registered with, and the
 * groups it joined, which it leaves when it closes. Used on the connection's event loop only.
 */
public final class RelayConnection {

  private final String id;
  private final long number;
  private Future<Object> last = Future.succeededFuture();
  private Set<String> groups;
  private boolean closed;

  /**
   * @param node the node id of the gateway's Vert.x ({@code ClusterSupport.nodeId})
   * @param number the connection's number, unique in that gateway
   */
  public RelayConnection(String node, long number) {
    this.id = node + "/" + number;
    this.number = number;
  }

  /** @return the connection's number, unique in its gateway */
  public long number() {
    return number;
  }

  /** @return {@code <gateway node id>/<number>} */
  public String id() {
    return id;
  }

  /** @return the gateway node id part of a connection id */
  static String node(String connectionId) {
    return connectionId.substring(0, connectionId.lastIndexOf('/'));
  }

  /** @return the number part of a connection id */
  static long number(String connectionId) {
    return Long.parseLong(connectionId.substring(connectionId.lastIndexOf('/') + 1));
  }

  /** @return the call's outcome; the call starts once the connection's previous relay call has ended */
  Future<Object> after(Supplier<Future<Object>> call) {
    Future<Object> next = last.transform(previous -> call.get());
    last = next;
    return next;
  }

  boolean closed() {
    return closed;
  }

  void joined(String groupId) {
    if (groups == null) {
      groups = new HashSet<>(2);
    }
    groups.add(groupId);
  }

  void left(String groupId) {
    if (groups != null) {
      groups.remove(groupId);
    }
  }

  /** @return how many groups it joined and has not left */
  int groups() {
    return groups == null ? 0 : groups.size();
  }

  /** @return the groups it joined, once: the connection is closed */
  Set<String> close() {
    closed = true;
    Set<String> joined = groups == null ? Set.of() : groups;
    groups = null;
    return joined;
  }
}
