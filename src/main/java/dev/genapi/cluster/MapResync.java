package dev.genapi.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipAdapter;
import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads a map that a local copy follows by its entry events again when those events cannot be trusted: after this
 * member merged back from a split (a merge that keeps the larger side's entries fires no event), shortly after
 * another member left (entry events are best effort: those the leaving member had not delivered yet are lost with it,
 * and a member dragged out while busy in a cascade of failures may take deletes and puts with it unannounced), and
 * every {@link ClusterOptions#getResyncIntervalMs()} (an event is also lost when a connection between two members that
 * stay is closed, as Hazelcast does to a member it suspects). Reloads run on one worker thread, one at a time; several
 * members leaving together cause one reload; a periodic reload is logged only when it corrected something.
 */
public final class MapResync {

  /** How long after a member left the map is read again: long enough for its partitions to be promoted. */
  private static final long MEMBER_LEFT_DELAY_MS = 2000;

  /** One thread for every reload of the process: one stuck on a cluster in trouble holds it, and nothing else. */
  private static final String WORKER = "genapi-map-resync";

  private static final Logger LOG = LoggerFactory.getLogger(MapResync.class);

  private final Vertx vertx;
  private final WorkerExecutor worker;
  private final HazelcastInstance hazelcast;
  private final String what;
  private final Callable<Integer> reload;
  private final AtomicLong pending = new AtomicLong(-1);
  private final AtomicBoolean checking = new AtomicBoolean();
  private long periodic;
  private UUID mergeListener;
  private UUID memberListener;

  private MapResync(Vertx vertx, HazelcastInstance hazelcast, String what, Callable<Integer> reload) {
    this.vertx = vertx;
    this.worker = vertx.createSharedWorkerExecutor(WORKER, 1);
    this.hazelcast = hazelcast;
    this.what = what;
    this.reload = reload;
  }

  /**
   * Starts listening; call from a worker (registering listeners waits on the cluster).
   *
   * @param vertx the clustered Vert.x instance
   * @param what what is reloaded, for the log ("the registry index")
   * @param reload reads the map again, replaces the local copy and answers how many of its entries were wrong; it may
   *               block
   * @return the running resync, to {@link #stop()}
   */
  public static MapResync start(Vertx vertx, String what, Callable<Integer> reload) {
    MapResync resync = new MapResync(vertx, ClusterSupport.hazelcast(vertx), what, reload);
    resync.mergeListener = ClusterSupport.onMerged(resync.hazelcast, () -> resync.run("Cluster merged after a split"));
    resync.memberListener = resync.hazelcast.getCluster().addMembershipListener(new MembershipAdapter() {
      @Override
      public void memberRemoved(MembershipEvent event) {
        resync.afterMemberLeft();
      }
    });
    resync.periodic = vertx.setPeriodic(ClusterSupport.resyncIntervalMs(resync.hazelcast), id -> resync.check());
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
    reload().onSuccess(corrected -> LOG.info("{}: reloaded {}, {} corrected", why, what, entries(corrected)))
      .onFailure(e -> LOG.warn("{}: reloading {} failed: {}", why, what, e.getMessage()));
  }

  /** The periodic check: skipped while the previous one is still queued or running, logged when it corrected. */
  private void check() {
    if (!checking.compareAndSet(false, true)) {
      return;
    }
    reload().onComplete(done -> checking.set(false)).onSuccess(corrected -> {
      if (corrected > 0) {
        LOG.warn("Entry events were lost: reloaded {}, {} corrected", what, entries(corrected));
      }
    }).onFailure(e -> LOG.warn("Periodic check: reloading {} failed: {}", what, e.getMessage()));
  }

  private Future<Integer> reload() {
    return worker.executeBlocking(reload, true);
  }

  private static String entries(int count) {
    return count == 1 ? "1 entry" : count + " entries";
  }

  /** Stops listening; call from a worker. */
  public void stop() {
    vertx.cancelTimer(periodic);
    vertx.cancelTimer(pending.getAndSet(-1));
    ClusterSupport.unlisten(() -> hazelcast.getLifecycleService().removeLifecycleListener(mergeListener));
    ClusterSupport.unlisten(() -> hazelcast.getCluster().removeMembershipListener(memberListener));
    worker.close();
  }
}
