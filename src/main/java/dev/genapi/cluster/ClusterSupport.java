package dev.genapi.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MergePolicyConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.spi.merge.DiscardMergePolicy;
import com.hazelcast.spi.merge.PutIfAbsentMergePolicy;
import dev.genapi.protocol.GenApiCodecs;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.util.List;
import java.util.UUID;

/**
 * Starts clustered Vert.x instances on Hazelcast, configured programmatically from {@link ClusterOptions}.
 */
public final class ClusterSupport {

  /** The member attribute vertx-hazelcast stores its node id in; it stays the same when Hazelcast merges a member. */
  private static final String NODE_ID_ATTRIBUTE = "__vertx.nodeId";
  private static final String RESYNC_INTERVAL_PROPERTY = "genapi.resync.interval.ms";

  private ClusterSupport() {
  }

  /**
   * Builds the Hazelcast configuration: vertx-hazelcast's own map settings, the cluster name, the member bound to
   * (and announcing) the cluster host only, in every mode, TCP-IP (or Kubernetes DNS) discovery, multicast,
   * auto-detection and phone-home off, fast joins, failure detection and merges, and GenApi's
   * maps with their backups and split-brain merge policies.
   *
   * @param options the cluster options
   * @return a new Hazelcast configuration
   */
  public static Config hazelcastConfig(ClusterOptions options) {
    Config config = ConfigUtil.loadConfig();
    config.setClusterName(options.getName());
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.max.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.tcp.join.port.try.count", String.valueOf(options.getPortCount()));
    config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    config.setProperty("hazelcast.max.no.heartbeat.seconds", String.valueOf(options.getHeartbeatTimeoutS()));
    config.setProperty("hazelcast.merge.first.run.delay.seconds", String.valueOf(options.getMergeDelayS()));
    config.setProperty("hazelcast.merge.next.run.delay.seconds", String.valueOf(options.getMergeDelayS()));
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    config.setProperty("hazelcast.socket.bind.any", "false");
    config.setProperty(RESYNC_INTERVAL_PROPERTY, String.valueOf(options.getResyncIntervalMs()));
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(options.getPort()).setPortAutoIncrement(true).setPortCount(options.getPortCount())
      .setPublicAddress(options.getHost());
    network.getInterfaces().setEnabled(true).addInterface(options.getHost());
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    if (ClusterOptions.MODE_KUBERNETES.equals(options.getMode())) {
      join.getTcpIpConfig().setEnabled(false);
      // without service-port, DNS discovery dials Hazelcast's 5701 instead of the configured port
      join.getKubernetesConfig().setEnabled(true)
        .setProperty("service-dns", options.getKubernetesServiceDns())
        .setProperty("service-port", String.valueOf(options.getPort()));
    } else {
      join.getTcpIpConfig().setEnabled(true).setConnectionTimeoutSeconds(1).setMembers(options.getMembers());
    }
    addMaps(config, options.getBackupCount());
    return config;
  }

  /**
   * GenApi's maps and their backups: the registry, the service records, the settings, the relay groups and the
   * failed configs keep synchronous backups; leases, rewritten every second, keep asynchronous ones, so that a
   * renewal never waits on a slow or frozen backup member. After a split, the larger side's registry, leases,
   * settings and relay groups are kept and the smaller side's copies are discarded: an IMap keeps no tombstone, so
   * merging them in would bring back what was deleted during the split; the members of the smaller side re-assert
   * their own state instead (nodes push their functions again and renew their leases, gateways reload their
   * indexes). Failed configs, unique records that expire, are merged in when absent.
   */
  private static void addMaps(Config config, int backups) {
    for (String name : List.of(Addresses.FUNCTIONS_MAP, Addresses.SERVICES_MAP, Addresses.SETTINGS_MAP,
      Addresses.RELAY_GROUPS_MAP)) {
      config.addMapConfig(map(name, DiscardMergePolicy.class).setBackupCount(backups));
    }
    config.addMapConfig(map(Addresses.NODES_MAP, DiscardMergePolicy.class).setBackupCount(0)
      .setAsyncBackupCount(backups));
    config.addMapConfig(map(Addresses.FAILED_MAP, PutIfAbsentMergePolicy.class).setBackupCount(backups));
  }

  private static MapConfig map(String name, Class<?> mergePolicy) {
    return new MapConfig(name)
      .setMergePolicyConfig(new MergePolicyConfig(mergePolicy.getName(), MergePolicyConfig.DEFAULT_BATCH_SIZE));
  }

  /**
   * Starts a clustered Vert.x instance and registers GenApi's codecs on its event bus.
   *
   * @param options the cluster options
   * @param vertxOptions Vert.x options; the event bus host and port, and its mutual TLS when configured, are set from
   *                     the cluster options
   * @return the started instance, or a failure naming the bad setting when the TLS settings are incomplete or a
   *     file cannot be read, or when Kubernetes mode is asked to bind a loopback address
   */
  public static Future<Vertx> start(ClusterOptions options, VertxOptions vertxOptions) {
    String host = options.getHost();
    if (ClusterOptions.MODE_KUBERNETES.equals(options.getMode()) && isLoopback(host)) {
      return Future.failedFuture(new IllegalArgumentException("cluster host " + host + " is a loopback address, "
        + "which other pods cannot reach: set GENAPI_CLUSTER_HOST to the pod's IP (status.podIP)"));
    }
    vertxOptions.getEventBusOptions().setHost(host).setClusterPublicHost(host).setPort(options.getEventBusPort());
    try {
      EventBusTls.configure(options, vertxOptions.getEventBusOptions());
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    return Vertx.builder()
      .with(vertxOptions)
      .withClusterManager(new HazelcastClusterManager(hazelcastConfig(options)))
      .buildClustered()
      .onSuccess(vertx -> GenApiCodecs.register(vertx.eventBus()));
  }

  private static boolean isLoopback(String host) {
    return host.startsWith("127.") || "localhost".equals(host) || "::1".equals(host);
  }

  /**
   * @param vertx a Vert.x instance clustered with {@link HazelcastClusterManager}
   * @return its Hazelcast instance
   * @throws IllegalStateException when the instance is not clustered on Hazelcast
   */
  public static HazelcastInstance hazelcast(Vertx vertx) {
    if (vertx instanceof VertxInternal internal
      && internal.clusterManager() instanceof HazelcastClusterManager manager) {
      return manager.getHazelcastInstance();
    }
    throw new IllegalStateException("GenApi needs a Vert.x instance clustered with Hazelcast");
  }

  /**
   * @param hazelcast a Hazelcast instance
   * @return its {@link ClusterOptions#getResyncIntervalMs()}, carried in its configuration
   */
  public static long resyncIntervalMs(HazelcastInstance hazelcast) {
    String ms = hazelcast.getConfig().getProperty(RESYNC_INTERVAL_PROPERTY);
    return ms == null ? ClusterOptions.DEFAULT_RESYNC_INTERVAL_MS : Long.parseLong(ms);
  }

  /**
   * @param vertx a Vert.x instance clustered with {@link HazelcastClusterManager}
   * @return its node id, which names this JVM in leases; unlike the Hazelcast member UUID it survives a merge
   */
  public static String nodeId(Vertx vertx) {
    if (vertx instanceof VertxInternal internal && internal.clusterManager() != null) {
      return internal.clusterManager().getNodeId();
    }
    throw new IllegalStateException("GenApi needs a clustered Vert.x instance");
  }

  /**
   * @param member a cluster member
   * @return the node id of the Vert.x instance on that member (its UUID when it runs none)
   */
  public static String nodeId(Member member) {
    String id = member.getAttribute(NODE_ID_ATTRIBUTE);
    return id != null ? id : member.getUuid().toString();
  }

  /**
   * Runs an action each time this member has merged back into the cluster after a split (Hazelcast's {@code MERGED}
   * lifecycle event). The action runs on a Hazelcast thread and must not block it.
   *
   * @param hazelcast the Hazelcast instance
   * @param action what to do
   * @return the registration, for {@code getLifecycleService().removeLifecycleListener}
   */
  public static UUID onMerged(HazelcastInstance hazelcast, Runnable action) {
    return hazelcast.getLifecycleService().addLifecycleListener(event -> {
      if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
        action.run();
      }
    });
  }

  /**
   * Removes a listener from this member, unless the member has already shut down (terminated under a stopping
   * gateway or node, its listeners went with it).
   *
   * @param removal the removal, e.g. {@code () -> hazelcast.getCluster().removeMembershipListener(id)}
   */
  public static void unlisten(Runnable removal) {
    try {
      removal.run();
    } catch (HazelcastInstanceNotActiveException gone) {
      // nothing left to remove
    }
  }
}
