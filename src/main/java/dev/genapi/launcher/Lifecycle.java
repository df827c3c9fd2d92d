package dev.genapi.launcher;

import dev.genapi.cluster.ClusterOptions;
import dev.genapi.cluster.ClusterSupport;
import dev.genapi.demo.DemoService;
import dev.genapi.gateway.Gateway;
import dev.genapi.gateway.GatewayOptions;
import dev.genapi.node.ServiceNode;
import dev.genapi.node.ServiceNodeOptions;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One launcher role from start to stop. Its shutdown hook, the process's only one, stops everything in order: it
 * drains the gateway and stops it (its timers too), then the node, closes Vert.x (and with it the Hazelcast member),
 * logs "GenApi stopped", and only then stops Logback, so every line of the shutdown reaches the log.
 */
final class Lifecycle {

  private static final Logger LOG = LoggerFactory.getLogger(Lifecycle.class);
  private static final long CLOSE_MS = 10_000;

  private final long drainMs;
  private volatile Vertx vertx;
  private volatile Gateway gateway;
  private volatile ServiceNode node;
  private final OpenTelemetrySdk tracing;

  private Lifecycle(long drainMs, OpenTelemetrySdk tracing) {
    this.drainMs = drainMs;
    this.tracing = tracing;
  }

  /**
   * Installs the shutdown hook, then starts the role.
   *
   * @param role {@code gateway}, {@code node} or {@code all-in-one}
   * @return completed once the role serves
   */
  static Future<Void> start(String role, Settings settings) {
    ClusterOptions cluster = new ClusterOptions(settings.cluster());
    Lifecycle lifecycle = new Lifecycle(settings.gateway().getLong("drain_timeout_ms",
      GatewayOptions.DEFAULT_DRAIN_TIMEOUT_MS), TracingSetup.start(System.getenv(), role));
    Runtime.getRuntime().addShutdownHook(new Thread(lifecycle::shutdown, "genapi-shutdown"));
    return ClusterSupport.start(cluster, vertxOptions(cluster.getEventLoops())).compose(vertx -> {
      lifecycle.vertx = vertx;
      if ("node".equals(role)) {
        return lifecycle.startNode(settings);
      }
      GatewayOptions options = new GatewayOptions(settings.gateway());
      return Gateway.start(vertx, options)
        .onSuccess(gateway -> lifecycle.gateway = gateway)
        .compose(gateway -> "all-in-one".equals(role) ? lifecycle.startNode(settings).map(gateway)
          : Future.succeededFuture(gateway))
        .onSuccess(gateway -> {
          String scheme = options.getTls().isEnabled() ? "https" : "http";
          LOG.info("GenApi gateway ready on {}://{}:{}", scheme, options.getHost(), gateway.port());
          if (gateway.adminPort() > 0) {
            LOG.info("GenApi admin API, metrics and health on {}://{}:{}", scheme, options.getHost(),
              gateway.adminPort());
          }
        })
        .mapEmpty();
    });
  }

  // Vert.x's event-bus meters look up (and register) meters on every message, a few % of a gateway's CPU; GenApi's
  // own call meters count the same calls
  private static VertxOptions vertxOptions(int eventLoops) {
    return new VertxOptions().setEventLoopPoolSize(eventLoops).setMetricsOptions(new MicrometerMetricsOptions()
      .setEnabled(true).setJvmMetricsEnabled(true).setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))
      .addDisabledMetricsCategory(MetricsDomain.EVENT_BUS));
  }

  /** Starts the demo node; completes once its functions are registered. */
  private Future<Void> startNode(Settings settings) {
    ServiceNode started = DemoService.registerOn(ServiceNode.create(vertx, new ServiceNodeOptions(settings.node())),
      vertx);
    node = started;
    return started.start().compose(v -> started.registered()).mapEmpty();
  }

  private void shutdown() {
    try {
      if (gateway != null) {
        await(gateway.drain(), drainMs + 5000);
        await(gateway.stop(), CLOSE_MS);
      }
      if (node != null) {
        await(node.stop(drainMs), drainMs + 5000);
      }
      if (vertx != null) {
        await(vertx.close(), CLOSE_MS);
      }
      if (tracing != null) {
        tracing.shutdown().join(CLOSE_MS, TimeUnit.MILLISECONDS);
      }
      LOG.info("GenApi stopped");
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("Shutdown did not finish cleanly: {}", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      LOG.warn("Shutdown interrupted");
    } finally {
      LogSetup.stop();
    }
  }

  private static void await(Future<?> future, long timeoutMs)
    throws ExecutionException, InterruptedException, TimeoutException {
    future.toCompletionStage().toCompletableFuture().get(timeoutMs, TimeUnit.MILLISECONDS);
  }
}
