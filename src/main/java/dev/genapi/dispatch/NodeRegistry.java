package dev.genapi.dispatch;

import com.hazelcast.cluster.MembershipAdapter;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.genapi.cluster.Addresses;
import dev.genapi.cluster.MapChangeListener;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A gateway's view of the live service nodes: fed by lease renewals from the cluster's node registry. A node is
 * dropped when it gives its lease up, when its lease goes stale, when Hazelcast reports its member gone, or when a
 * call finds it unreachable. A stale lease or a departed member means the node's JVM is gone: the calls waiting on it
 * are failed at once rather than left to their timeouts. Reads are local.
 */
public final class NodeRegistry {

  /** A node is dead when its lease was not renewed for this long. */
  public static final long DEFAULT_LEASE_TIMEOUT_MS = 5000;

  private final Map<String, LiveNode> nodes = new ConcurrentHashMap<>();
  private final long leaseTimeoutNanos;
  private final Consumer<String> onNodeGone;
  private IMap<String, String> leases;
  private UUID leaseListener;
  private UUID memberListener;
  private long sweeper = -1;

  /**
   * @param leaseTimeoutMs how long a lease stays valid without renewal
   * @param onNodeGone called with the name of each node whose lease went stale or whose JVM left the cluster (its
   *                   calls will never be answered)
   */
  public NodeRegistry(long leaseTimeoutMs, Consumer<String> onNodeGone) {
    this.leaseTimeoutNanos = leaseTimeoutMs * 1_000_000;
    this.onNodeGone = onNodeGone;
  }

  /**
   * Starts listening to leases and membership, then loads the current leases.
   *
   * @param vertx the gateway's clustered Vert.x
   * @param hazelcast its Hazelcast instance
   * @return completed when the current leases are known
   */
  public Future<Void> start(Vertx vertx, HazelcastInstance hazelcast) {
    return vertx.<Void>executeBlocking(() -> {
      leases = hazelcast.getMap(Addresses.NODES_MAP);
      leaseListener = leases.addEntryListener(new MapChangeListener(this::renewed, nodes::remove), true);
      memberListener = hazelcast.getCluster().addMembershipListener(new MembershipAdapter() {
        @Override
        public void memberRemoved(MembershipEvent event) {
          String member = event.getMember().getUuid().toString();
          drop(node -> node.member().equals(member));
        }
      });
      leases.forEach(this::renewed);
      return null;
    }).onSuccess(v -> sweeper = vertx.setPeriodic(Math.max(100, leaseTimeoutNanos / 5_000_000), id -> {
      long now = System.nanoTime();
      drop(node -> now - node.renewedAt() >= leaseTimeoutNanos);
    }));
  }

  /** Stops listening. */
  public Future<Void> stop(Vertx vertx, HazelcastInstance hazelcast) {
    vertx.cancelTimer(sweeper);
    return vertx.executeBlocking(() -> {
      if (leaseListener != null) {
        leases.removeEntryListener(leaseListener);
        hazelcast.getCluster().removeMembershipListener(memberListener);
      }
      return null;
    });
  }

  /**
   * @param service a service name
   * @param member a Hazelcast member UUID to keep only the nodes of that JVM, or {@code null} for all
   * @return the names of the nodes serving it whose lease is current
   */
  public List<String> liveNodes(String service, String member) {
    long now = System.nanoTime();
    List<String> live = new ArrayList<>(2);
    for (LiveNode node : nodes.values()) {
      if (now - node.renewedAt() < leaseTimeoutNanos && node.services().contains(service)
        && (member == null || member.equals(node.member()))) {
        live.add(node.name());
      }
    }
    return live;
  }

  /** @return every node with a current lease: {@code node, member, services, lease_age_ms}, by name */
  public JsonArray snapshot() {
    long now = System.nanoTime();
    return new JsonArray(nodes.values().stream()
      .filter(node -> now - node.renewedAt() < leaseTimeoutNanos)
      .sorted(java.util.Comparator.comparing(LiveNode::name))
      .map(node -> new JsonObject().put("node", node.name()).put("member", node.member())
        .put("services", new JsonArray(node.services())).put("lease_age_ms", (now - node.renewedAt()) / 1_000_000))
      .toList());
  }

  /** @return whether that node's lease is current */
  public boolean isLive(String name) {
    LiveNode node = nodes.get(name);
    return node != null && System.nanoTime() - node.renewedAt() < leaseTimeoutNanos;
  }

  /**
   * Forgets a node that could not be reached, and fails the calls waiting on it; its next lease renewal brings it
   * back.
   *
   * @param name the node name
   */
  public void markUnreachable(String name) {
    drop(node -> node.name().equals(name));
  }

  private void drop(Predicate<LiveNode> gone) {
    for (LiveNode node : nodes.values()) {
      if (gone.test(node) && nodes.remove(node.name(), node)) {
        onNodeGone.accept(node.name());
      }
    }
  }

  void renewed(String name, String json) {
    JsonObject record = new JsonObject(json);
    List<String> services = record.getJsonArray("services").stream().map(String::valueOf).toList();
    nodes.put(name, new LiveNode(name, record.getString("member"), services, System.nanoTime()));
  }

  private record LiveNode(String name, String member, List<String> services, long renewedAt) {
  }
}
