package dev.genapi.testing;

import dev.genapi.cluster.ClusterOptions;
import dev.genapi.demo.DemoService;
import dev.genapi.gateway.Gateway;
import dev.genapi.gateway.GatewayOptions;
import dev.genapi.node.ServiceNode;
import dev.genapi.node.ServiceNodeOptions;
import io.micrometer.core.instrument.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;

/**
 * A gateway and a demo service node in two clustered Vert.x instances of a private cluster on loopback, and a plain
 * Vert.x for the test's clients. Start one per test class.
 */
public final class DemoCluster implements AutoCloseable {

  private final Vertx gatewayVertx;
  private final Vertx nodeVertx;
  private final Vertx clientVertx = Vertx.vertx();
  private final Gateway gateway;
  private LogCapture log;

  private DemoCluster(Vertx gatewayVertx, Vertx nodeVertx, Gateway gateway) {
    this.gatewayVertx = gatewayVertx;
    this.nodeVertx = nodeVertx;
    this.gateway = gateway;
  }

  /** @return a cluster whose gateway has these options (its port is chosen here), once its demo node registered */
  public static Future<DemoCluster> open(GatewayOptions options) {
    return open(options, new VertxOptions());
  }

  /**
   * Opens a cluster as {@link #open(GatewayOptions)} does, its gateway's Vert.x exporting Micrometer metrics to
   * Prometheus, so that {@code GET /metrics} answers them (one such cluster at a time in the JVM).
   */
  public static Future<DemoCluster> openWithMetrics(GatewayOptions options) {
    // the gateway adds its registry to Micrometer's global one, which would copy in the meters that earlier gateways
    // of this JVM left there, and those would shadow the new gateway's own
    Metrics.globalRegistry.clear();
    return open(options, new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)
      .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))));
  }

  private static Future<DemoCluster> open(GatewayOptions options, VertxOptions gatewayOptions) {
    ClusterOptions cluster = TestCluster.newCluster();
    return TestCluster.join(cluster, gatewayOptions).compose(gatewayVertx -> TestCluster.join(cluster)
      .compose(nodeVertx -> {
        ServiceNode demo = DemoService.registerOn(
          ServiceNode.create(nodeVertx, new ServiceNodeOptions().setName("demo-node")), nodeVertx);
        return Gateway.start(gatewayVertx, options.setPort(TestCluster.freePort()))
          .compose(gateway -> demo.start().compose(v -> demo.registered())
            .map(v -> new DemoCluster(gatewayVertx, nodeVertx, gateway)));
      }));
  }

  /** Starts a cluster as {@link #open} does, waiting. */
  public static DemoCluster start(GatewayOptions options) {
    return TestCluster.await(open(options));
  }

  /**
   * Starts a cluster as {@link #start} does, capturing the JVM's log from before the gateway starts, for
   * {@link #closeAndAssertNoStackTraces()}.
   */
  public static DemoCluster startWatchingLog(GatewayOptions options) {
    LogCapture capture = LogCapture.install();
    try {
      DemoCluster cluster = start(options);
      cluster.log = capture;
      return cluster;
    } catch (RuntimeException e) {
      capture.close();
      throw e;
    }
  }

  /** Fails when the log captured since {@link #startWatchingLog} holds a stack trace, and closes the cluster. */
  public void closeAndAssertNoStackTraces() {
    try {
      log.closeAndAssertNoStackTraces();
    } finally {
      close();
    }
  }

  /** @return done with another gateway of the cluster, on the first gateway's Vert.x, with these options and a free port */
  public Future<Gateway> startGateway(GatewayOptions options) {
    return Gateway.start(gatewayVertx, options.setPort(TestCluster.freePort()));
  }

  public Gateway gateway() {
    return gateway;
  }

  /** @return the Vert.x instance the test's clients run on */
  public Vertx clients() {
    return clientVertx;
  }

  public int port() {
    return gateway.port();
  }

  /** @return done once the cluster's instances are closed */
  public Future<Void> shutdown() {
    return TestCluster.leave(clientVertx, nodeVertx, gatewayVertx);
  }

  @Override
  public void close() {
    TestCluster.close(clientVertx, nodeVertx, gatewayVertx);
  }
}
