package dev.genapi.launcher;

import dev.genapi.cluster.ClusterOptions;
import dev.genapi.cluster.ClusterSupport;
import dev.genapi.demo.DemoService;
import dev.genapi.gateway.Gateway;
import dev.genapi.gateway.GatewayOptions;
import dev.genapi.node.ServiceNode;
import dev.genapi.node.ServiceNodeOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;

/**
 * The command line: {@code java -jar genapi.jar <gateway|node|all-in-one> [options]}.
 */
public final class Main {

  private static final Logger LOG = Logger.getLogger(Main.class.getName());
  private static final List<String> ROLES = List.of("gateway", "node", "all-in-one");

  private Main() {
  }

  /**
   * @param args the role, then options
   */
  public static void main(String[] args) {
    configureLogging();
    if (args.length == 0 || !ROLES.contains(args[0])) {
      System.err.println("usage: java -jar genapi.jar <gateway|node|all-in-one> [options]\n\noptions:\n"
        + Settings.usage());
      System.exit(args.length == 1 && ("--help".equals(args[0]) || "-h".equals(args[0])) ? 0 : 2);
    }
    Future<Void> started;
    try {
      started = start(args[0], Settings.load(Arrays.asList(args).subList(1, args.length), System.getenv()));
    } catch (IllegalArgumentException e) {
      System.err.println("genapi: " + e.getMessage());
      System.exit(2);
      return;
    }
    started.onFailure(e -> {
      LOG.log(Level.SEVERE, "GenApi failed to start: " + e.getMessage(), e);
      System.exit(1);
    });
  }

  private static Future<Void> start(String role, Settings settings) {
    ClusterOptions cluster = new ClusterOptions(settings.cluster());
    // Vert.x's event-bus meters look up (and register) meters on every message, a few % of a gateway's CPU; GenApi's
    // own call meters count the same calls
    VertxOptions vertxOptions = new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)
      .setJvmMetricsEnabled(true).setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))
      .addDisabledMetricsCategory(MetricsDomain.EVENT_BUS));
    return ClusterSupport.start(cluster, vertxOptions).compose(vertx -> {
      Running running = new Running(vertx, settings.gateway().getLong("drain_timeout_ms",
        GatewayOptions.DEFAULT_DRAIN_TIMEOUT_MS));
      Runtime.getRuntime().addShutdownHook(new Thread(running::shutdown, "genapi-shutdown"));
      if ("node".equals(role)) {
        return startNode(vertx, settings, running);
      }
      GatewayOptions options = new GatewayOptions(settings.gateway());
      return Gateway.start(vertx, options)
        .onSuccess(gateway -> running.gateway = gateway)
        .compose(gateway -> "all-in-one".equals(role) ? startNode(vertx, settings, running).map(gateway)
          : Future.succeededFuture(gateway))
        .onSuccess(gateway -> LOG.info("GenApi gateway ready on http://" + options.getHost() + ":" + gateway.port()))
        .mapEmpty();
    });
  }

  /** Starts the demo node; completes once its functions are registered. */
  private static Future<Void> startNode(Vertx vertx, Settings settings, Running running) {
    ServiceNode node = DemoService.registerOn(ServiceNode.create(vertx, new ServiceNodeOptions(settings.node())), vertx);
    running.node = node;
    return node.start().compose(v -> node.registered()).mapEmpty();
  }

  /** What the shutdown hook drains on SIGTERM: the gateway first, then the node, then the cluster membership. */
  private static final class Running {
    final Vertx vertx;
    final long drainMs;
    volatile Gateway gateway;
    volatile ServiceNode node;

    Running(Vertx vertx, long drainMs) {
      this.vertx = vertx;
      this.drainMs = drainMs;
    }

    void shutdown() {
      try {
        if (gateway != null) {
          gateway.drain().toCompletionStage().toCompletableFuture().get(drainMs + 5000, TimeUnit.MILLISECONDS);
        }
        if (node != null) {
          node.stop(drainMs).toCompletionStage().toCompletableFuture().get(drainMs + 5000, TimeUnit.MILLISECONDS);
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        LOG.info("GenApi stopped");
      } catch (Exception e) {
        LOG.warning("Shutdown did not finish cleanly: " + e);
      }
    }
  }

  private static void configureLogging() {
    if (System.getProperty("java.util.logging.config.file") != null) {
      return;
    }
    try (InputStream in = Main.class.getResourceAsStream("logging.properties")) {
      LogManager.getLogManager().readConfiguration(in);
    } catch (IOException e) {
      LOG.warning("Default logging configuration not loaded: " + e);
    }
    if ("json".equalsIgnoreCase(System.getenv("GENAPI_LOG_FORMAT"))) {
      for (java.util.logging.Handler handler : Logger.getLogger("").getHandlers()) {
        handler.setFormatter(new JsonLogFormatter());
      }
    }
  }
}
