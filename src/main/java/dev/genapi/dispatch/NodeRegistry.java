package dev.genapi.dispatch;

import com.hazelcast.core.HazelcastInstance;
import dev.genapi.api.FunConfig;
import dev.genapi.config.FunctionRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A gateway's view of the live service nodes: fed by lease renewals from the cluster's node registry
 * ({@link LeaseFeed}). A node is dropped when it gives its lease up, when its lease goes stale, when Hazelcast reports
 * its member gone, or when a call finds it unreachable. A stale lease or a departed member means the node's JVM is
 * gone: the calls waiting on it are failed at once rather than left to their timeouts. A lease that does not parse is
 * skipped with one warning. After this member merges back from a split, every lease is read again. Reads are local.
 * Whenever a node comes, goes or changes the functions its lease declares, the function index learns which functions
 * the live nodes serve ({@link ServingNodes}); a renewal that changes nothing costs no more than reading it.
 */
public final class NodeRegistry {

  /** A node is dead when its lease was not renewed for this long. */
  public static final long DEFAULT_LEASE_TIMEOUT_MS = 5000;

  private static final Logger LOG = LoggerFactory.getLogger(NodeRegistry.class);

  private final Map<String, LiveNode> nodes = new ConcurrentHashMap<>();
  private final Set<String> malformed = ConcurrentHashMap.newKeySet();
  private final long leaseTimeoutNanos;
  private final String localMember;
  private final FunctionRegistry functions;
  private final Consumer<String> onNodeGone;
  private final LeaseFeed feed = new LeaseFeed(this);
  private long sweeper = -1;

  /**
   * @param leaseTimeoutMs how long a lease stays valid without renewal
   * @param localMember the Vert.x node id of the gateway's JVM, where {@code "nodes":"local"} functions run
   * @param functions the function index, told which functions the live nodes serve
   * @param onNodeGone called with the name of each node whose lease went stale or whose JVM left the cluster (its
   *                   calls will never be answered)
   */
  public NodeRegistry(long leaseTimeoutMs, String localMember, FunctionRegistry functions,
                      Consumer<String> onNodeGone) {
    this.leaseTimeoutNanos = leaseTimeoutMs * 1_000_000;
    this.localMember = localMember;
    this.functions = functions;
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
    return feed.start(vertx, hazelcast)
      .onSuccess(v -> sweeper = vertx.setPeriodic(Math.max(100, leaseTimeoutNanos / 5_000_000), id -> {
        long now = System.nanoTime();
        drop(node -> now - node.renewedAt() >= leaseTimeoutNanos);
      }));
  }

  /** Stops listening. */
  public Future<Void> stop(Vertx vertx, HazelcastInstance hazelcast) {
    vertx.cancelTimer(sweeper);
    return feed.stop(vertx, hazelcast);
  }

  /**
   * @param function a function
   * @return the names of the nodes a call to it may go to: those with a current lease that its {@code nodes} allow
   *     and that declare it
   */
  public List<String> serving(FunConfig function) {
    long now = System.nanoTime();
    String key = function.key();
    List<String> live = new ArrayList<>(2);
    if (function.allNodes() || function.local()) {
      for (LiveNode node : nodes.values()) {
        if (now - node.renewedAt() < leaseTimeoutNanos && node.allowed(function, localMember)
          && node.declares(key)) {
          live.add(node.name());
        }
      }
    } else {
      for (String name : function.nodes()) {
        LiveNode node = nodes.get(name);
        if (node != null && now - node.renewedAt() < leaseTimeoutNanos && node.declares(key)) {
          live.add(name);
        }
      }
    }
    return live;
  }

  /** @return every node with a current lease: {@code node, member, services, lease_age_ms}, by name */
  public JsonArray snapshot() {
    long now = System.nanoTime();
    return new JsonArray(nodes.values().stream()
      .filter(node -> now - node.renewedAt() < leaseTimeoutNanos)
      .sorted(Comparator.comparing(LiveNode::name))
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

  /** The JVM of that Vert.x node id left the cluster: its nodes are gone. */
  void memberGone(String member) {
    drop(node -> node.member().equals(member));
  }

  private void drop(Predicate<LiveNode> gone) {
    boolean dropped = false;
    for (LiveNode node : nodes.values()) {
      if (gone.test(node) && nodes.remove(node.name(), node)) {
        dropped = true;
        onNodeGone.accept(node.name());
      }
    }
    if (dropped) {
      servingChanged();
    }
  }

  void renewed(String name, String json) {
    LiveNode node = parse(name, json);
    if (node != null && !node.servesAs(nodes.put(name, node))) {
      servingChanged();
    }
  }

  /** The node gave its lease up, or its lease entry is gone. */
  void released(String name) {
    if (nodes.remove(name) != null) {
      servingChanged();
    }
  }

  /** Takes every lease read from the cluster whose JVM is one of the members. */
  void loaded(Map<String, String> leases, Set<String> members) {
    leases.forEach((name, json) -> {
      LiveNode node = parse(name, json);
      if (node != null && members.contains(node.member())) {
        nodes.put(name, node);
      }
    });
    servingChanged();
  }

  /** Tells the function index what the nodes serve now; one view at a time, so that the last one told is current. */
  private synchronized void servingChanged() {
    functions.serveOnly(new ServingNodes(List.copyOf(nodes.values()), localMember));
  }

  private LiveNode parse(String name, String json) {
    LiveNode node;
    try {
      node = LiveNode.fromLease(name, json);
    } catch (RuntimeException e) {
      if (malformed.add(name)) {
        LOG.warn("Skipping the lease of node {} in the cluster: it is not a lease record ({})", name,
          String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
      }
      return null;
    }
    malformed.remove(name);
    return node;
  }
}
