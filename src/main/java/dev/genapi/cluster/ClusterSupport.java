package dev.genapi.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.HazelcastInstance;
import dev.genapi.protocol.GenApiCodecs;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * Starts clustered Vert.x instances on Hazelcast, configured programmatically from {@link ClusterOptions}.
 */
public final class ClusterSupport {

  private ClusterSupport() {
  }

  /**
   * Builds the Hazelcast configuration: vertx-hazelcast's own map settings, the cluster name, TCP-IP (or Kubernetes)
   * discovery, multicast, auto-detection and phone-home off, and fast joins and failure detection.
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
    config.setProperty("hazelcast.max.no.heartbeat.seconds", "10");
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(options.getPort()).setPortAutoIncrement(true).setPortCount(options.getPortCount());
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    if (ClusterOptions.MODE_KUBERNETES.equals(options.getMode())) {
      join.getTcpIpConfig().setEnabled(false);
      join.getKubernetesConfig().setEnabled(true)
        .setProperty("service-dns", options.getKubernetesServiceDns());
    } else {
      config.setProperty("hazelcast.socket.bind.any", "false");
      network.getInterfaces().setEnabled(true).addInterface(options.getHost());
      join.getTcpIpConfig().setEnabled(true).setConnectionTimeoutSeconds(1).setMembers(options.getMembers());
    }
    return config;
  }

  /**
   * Starts a clustered Vert.x instance and registers GenApi's codecs on its event bus.
   *
   * @param options the cluster options
   * @param vertxOptions Vert.x options; the event bus host is set from the cluster options
   * @return the started instance
   */
  public static Future<Vertx> start(ClusterOptions options, VertxOptions vertxOptions) {
    String host = ClusterOptions.MODE_KUBERNETES.equals(options.getMode()) ? null : options.getHost();
    vertxOptions.getEventBusOptions().setHost(host).setClusterPublicHost(host).setPort(0);
    return Vertx.builder()
      .with(vertxOptions)
      .withClusterManager(new HazelcastClusterManager(hazelcastConfig(options)))
      .buildClustered()
      .onSuccess(vertx -> GenApiCodecs.register(vertx.eventBus()));
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
}
