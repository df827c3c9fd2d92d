package dev.genapi.node;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.map.IMap;
import dev.genapi.api.FunConfig;
import dev.genapi.cluster.Addresses;
import dev.genapi.cluster.ClusterSupport;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A node's entry in the cluster's node registry, renewed on a timer. Gateways treat a node whose lease is not renewed
 * in time as dead; the entry's TTL cleans it up in the cluster. The lease names the node's JVM by its Vert.x node id,
 * which, unlike the Hazelcast member UUID, stays the same when the member merges back after a split, and lists the
 * services and the keys of the functions the node declares: gateways send a function's calls to the nodes that
 * declare it, and stop serving it once no live node does.
 *
 * @implNote each renewal is one asynchronous Hazelcast write and one event-bus publish of the same record: the map
 * serves gateways that start later and expires the entry; the publish keeps the node live in every gateway while the
 * write waits on a frozen member.
 */
final class NodeLease {

  private static final Logger LOG = LoggerFactory.getLogger(NodeLease.class);

  private final Vertx vertx;
  private final IMap<String, String> leases;
  private final String name;
  private final String member;
  private final long startedAt = System.currentTimeMillis();
  private final Supplier<List<FunConfig>> functions;
  private final long renewMs;
  private long timer = -1;
  private volatile boolean released;

  NodeLease(Vertx vertx, HazelcastInstance hazelcast, String name, Supplier<List<FunConfig>> functions, long renewMs) {
    this.vertx = vertx;
    this.leases = hazelcast.getMap(Addresses.NODES_MAP);
    this.name = name;
    this.renewMs = renewMs;
    this.functions = functions;
    this.member = ClusterSupport.nodeId(vertx);
  }

  Future<Void> start() {
    return renew().onSuccess(v -> timer = vertx.setPeriodic(renewMs, id -> renew().onFailure(this::renewalFailed)));
  }

  private void renewalFailed(Throwable failure) {
    if (failure instanceof HazelcastInstanceNotActiveException) {
      // this JVM is leaving the cluster: the lease lapses with it
      released = true;
      vertx.cancelTimer(timer);
      LOG.warn("Node {} stops renewing its lease: its Hazelcast member has shut down", name);
    } else {
      LOG.warn("Lease renewal of node {} failed: {}", name, failure.getMessage());
    }
  }

  Future<Void> stop() {
    released = true;
    vertx.cancelTimer(timer);
    // after every renewal this node published, on the same connection, so no gateway takes the node back after it
    vertx.eventBus().publish(Addresses.NODE_LEASES, new JsonObject().put("node", name).put("member", member)
      .put("gone", true).encode());
    try {
      return Future.fromCompletionStage(leases.removeAsync(name), vertx.getOrCreateContext()).mapEmpty();
    } catch (HazelcastInstanceNotActiveException e) {
      // the member has shut down: the lease lapses with it
      return Future.succeededFuture();
    }
  }

  /** Publishes and stores the lease as the node's functions are now, until it is given up; completes once stored. */
  Future<Void> renew() {
    if (released) {
      return Future.succeededFuture();
    }
    List<FunConfig> declared = functions.get();
    String record = new JsonObject().put("node", name).put("member", member)
      .put("services", new JsonArray(declared.stream().map(FunConfig::service).distinct().sorted().toList()))
      .put("functions", new JsonArray(declared.stream().map(FunConfig::key).sorted().toList()))
      .put("started_at", startedAt).encode();
    try {
      vertx.eventBus().publish(Addresses.NODE_LEASES, record);
      return Future.fromCompletionStage(leases.setAsync(name, record, renewMs * 10, TimeUnit.MILLISECONDS),
        vertx.getOrCreateContext());
    } catch (HazelcastInstanceNotActiveException e) {
      return Future.failedFuture(e);
    }
  }
}
