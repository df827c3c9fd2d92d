package dev.genapi.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipAdapter;
import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads a map that a local copy follows by its entry events again when those events cannot be trusted: after this
 * member merged back from a split (a merge that keeps the larger side's entries fires no event), and shortly after
 * another member left (entry events are best effort: those the leaving member had not delivered yet are lost with it,
 * and a member dragged out while busy in a cascade of failures may take deletes and puts with it unannounced).
 * Reloads run off the event loop, one at a time; several members leaving together cause one reload.
 */
public final class MapResync {

  /** How long after a member left the map is read again: long enough for its partitions to be promoted. */
  private static final long MEMBER_LEFT_DELAY_MS = 2000;

  private static final Logger LOG = LoggerFactory.getLogger(MapResync.class);

  private final Vertx vertx;
  private final Context context;
  private final HazelcastInstance hazelcast;
  private final String what;
  private final Callable<String> reload;
  private final AtomicLong pending = new AtomicLong(-1);
  private UUID mergeListener;
  private UUID memberListener;

  private MapResync(Vertx vertx, HazelcastInstance hazelcast, String what, Callable<String> reload) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.hazelcast = hazelcast;
    this.what = what;
    this.reload = reload;
  }

  /**
   * Starts listening; call from a worker (registering listeners waits on the cluster).
   *
   * @param vertx the clustered Vert.x instance
   * @param what what is reloaded, for the log ("the registry index")
   * @param reload reads the map again and answers what the log line adds ("51 functions"), or null; it may block
   * @return the running resync, to {@link #stop()}
   */
  public static MapResync start(Vertx vertx, String what, Callable<String> reload) {
    MapResync resync = new MapResync(vertx, ClusterSupport.hazelcast(vertx), what, reload);
    resync.mergeListener = ClusterSupport.onMerged(resync.hazelcast, () -> resync.run("Cluster merged after a split"));
    resync.memberListener = resync.hazelcast.getCluster().addMembershipListener(new MembershipAdapter() {
      @Override
      public void memberRemoved(MembershipEvent event) {
        resync.afterMemberLeft();
      }
    });
    return resync;
  }

  private void afterMemberLeft() {
    long timer = vertx.setTimer(MEMBER_LEFT_DELAY_MS, id -> {
      if (pending.compareAndSet(id, -1)) {
        run("A member left the cluster");
      }
    });
    long previous = pending.getAndSet(timer);
    if (previous >= 0) {
      vertx.cancelTimer(previous);
    }
  }

  private void run(String why) {
    // ordered on one context: a reload stuck on a cluster in trouble holds one worker, not one per event
    context.executeBlocking(reload, true)
      .onSuccess(result -> LOG.info("{}: reloaded {}{}", why, what, result == null ? "" : ", " + result))
      .onFailure(e -> LOG.warn("{}: reloading {} failed: {}", why, what, e.getMessage()));
  }

  /** Stops listening; call from a worker. */
  public void stop() {
    vertx.cancelTimer(pending.getAndSet(-1));
    hazelcast.getLifecycleService().removeLifecycleListener(mergeListener);
    hazelcast.getCluster().removeMembershipListener(memberListener);
  }
}
