package dev.genapi.dispatch;

import com.hazelcast.cluster.MembershipAdapter;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.genapi.cluster.Addresses;
import dev.genapi.cluster.ClusterSupport;
import dev.genapi.cluster.MapChangeListener;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A gateway's view of the live service nodes: fed by lease renewals from the cluster's node registry. A node is
 * dropped when it gives its lease up, when its lease goes stale, when Hazelcast reports its member gone, or when a
 * call finds it unreachable. A stale lease or a departed member means the node's JVM is gone: the calls waiting on it
 * are failed at once rather than left to their timeouts. A lease that does not parse is skipped with one warning.
 * After this member merges back from a split, every lease is read again. Reads are local.
 */
public final class NodeRegistry {

  /** A node is dead when its lease was not renewed for this long. */
  public static final long DEFAULT_LEASE_TIMEOUT_MS = 5000;

  private static final Logger LOG = LoggerFactory.getLogger(NodeRegistry.class);

  private final Map<String, LiveNode> nodes = new ConcurrentHashMap<>();
  private final Set<String> malformed = ConcurrentHashMap.newKeySet();
  private final long leaseTimeoutNanos;
  private final Consumer<String> onNodeGone;
  private IMap<String, String> leases;
  private UUID leaseListener;
  private UUID memberListener;
  private UUID mergeListener;
  private MessageConsumer<String> renewals;
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
          String member = ClusterSupport.nodeId(event.getMember());
          drop(node -> node.member().equals(member));
        }
      });
      mergeListener = ClusterSupport.onMerged(hazelcast, () -> vertx.executeBlocking(() -> {
        load(hazelcast);
        return null;
      }));
      load(hazelcast);
      return null;
    }).compose(v -> {
      renewals = vertx.eventBus().consumer(Addresses.NODE_LEASES, message -> published(hazelcast, message.body()));
      return renewals.completion();
    }).onSuccess(v -> sweeper = vertx.setPeriodic(Math.max(100, leaseTimeoutNanos / 5_000_000), id -> {
      long now = System.nanoTime();
      drop(node -> now - node.renewedAt() >= leaseTimeoutNanos);
    }));
  }

  /**
   * A renewal published on the event bus, believed while its JVM is a member of this side of the cluster; or the
   * node's last word when it gives its lease up.
   */
  private void published(HazelcastInstance hazelcast, String json) {
    String name;
    String member;
    try {
      JsonObject record = new JsonObject(json);
      name = record.getString("node");
      member = record.getString("member");
      if (name != null && record.getBoolean("gone", false)) {
        nodes.remove(name);
        return;
      }
    } catch (RuntimeException e) {
      return;
    }
    if (name != null && member != null && hazelcast.getCluster().getMembers().stream()
      .anyMatch(m -> member.equals(ClusterSupport.nodeId(m)))) {
      renewed(name, json);
    }
  }

  /** Stops listening. */
  public Future<Void> stop(Vertx vertx, HazelcastInstance hazelcast) {
    vertx.cancelTimer(sweeper);
    if (renewals != null) {
      renewals.unregister();
    }
    return vertx.executeBlocking(() -> {
      if (leaseListener != null) {
        leases.removeEntryListener(leaseListener);
        hazelcast.getCluster().removeMembershipListener(memberListener);
        hazelcast.getLifecycleService().removeLifecycleListener(mergeListener);
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
    LiveNode node = parse(name, json);
    if (node != null) {
      nodes.put(name, node);
    }
  }

  /** Reads every lease whose JVM is a member now (the lease of a JVM that just died may not have expired yet). */
  private void load(HazelcastInstance hazelcast) {
    Set<String> members = hazelcast.getCluster().getMembers().stream().map(ClusterSupport::nodeId)
      .collect(Collectors.toSet());
    leases.forEach((name, json) -> {
      LiveNode node = parse(name, json);
      if (node != null && members.contains(node.member())) {
        nodes.put(name, node);
      }
    });
  }

  private LiveNode parse(String name, String json) {
    JsonObject record;
    try {
      record = new JsonObject(json);
      if (!(record.getValue("member") instanceof String) || !(record.getValue("services") instanceof JsonArray)) {
        throw new IllegalArgumentException("it has no member or no services");
      }
    } catch (RuntimeException e) {
      if (malformed.add(name)) {
        LOG.warn("Skipping the lease of node {} in the cluster: it is not a lease record ({})", name,
          String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
      }
      return null;
    }
    malformed.remove(name);
    List<String> services = record.getJsonArray("services").stream().map(String::valueOf).toList();
    return new LiveNode(name, record.getString("member"), services, System.nanoTime());
  }

  private record LiveNode(String name, String member, List<String> services, long renewedAt) {
  }
}
