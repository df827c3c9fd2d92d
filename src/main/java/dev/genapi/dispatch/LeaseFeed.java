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
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Feeds a {@link NodeRegistry} from the cluster: the lease map's entry events, the renewals published on the event
 * bus, the members Hazelcast reports gone, and every lease read again at start and after each merge.
 */
final class LeaseFeed {

  private final NodeRegistry registry;
  private IMap<String, String> leases;
  private UUID leaseListener;
  private UUID memberListener;
  private UUID mergeListener;
  private MessageConsumer<String> renewals;

  LeaseFeed(NodeRegistry registry) {
    this.registry = registry;
  }

  /** Listens to leases and membership, then reads the current leases; completes once they are known. */
  Future<Void> start(Vertx vertx, HazelcastInstance hazelcast) {
    return vertx.<Void>executeBlocking(() -> {
      leases = hazelcast.getMap(Addresses.NODES_MAP);
      leaseListener = leases.addEntryListener(new MapChangeListener(registry::renewed, registry::released), true);
      memberListener = hazelcast.getCluster().addMembershipListener(new MembershipAdapter() {
        @Override
        public void memberRemoved(MembershipEvent event) {
          registry.memberGone(ClusterSupport.nodeId(event.getMember()));
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
    });
  }

  Future<Void> stop(Vertx vertx, HazelcastInstance hazelcast) {
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
        registry.released(name);
        return;
      }
    } catch (RuntimeException e) {
      return;
    }
    if (name != null && member != null && hazelcast.getCluster().getMembers().stream()
      .anyMatch(m -> member.equals(ClusterSupport.nodeId(m)))) {
      registry.renewed(name, json);
    }
  }

  /** Reads every lease, with the JVMs that are members now (the lease of a JVM that just died may not have expired). */
  private void load(HazelcastInstance hazelcast) {
    Set<String> members = hazelcast.getCluster().getMembers().stream().map(ClusterSupport::nodeId)
      .collect(Collectors.toSet());
    registry.loaded(new HashMap<>(leases), members);
  }
}
