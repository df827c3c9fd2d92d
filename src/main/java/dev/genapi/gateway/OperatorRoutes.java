package dev.genapi.gateway;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.micrometer.backends.BackendRegistries;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's routes: the admin API under {@code /admin}, {@code /metrics} and the health endpoints. They are
 * mounted on the client router, or, with {@code admin_port}, only on the {@link AdminVerticle}'s server.
 */
final class OperatorRoutes {

  private static final Logger LOG = LoggerFactory.getLogger(OperatorRoutes.class);

  private OperatorRoutes() {
  }

  static void mount(Vertx vertx, Router router, Gateway gateway, GatewayOptions options) {
    router.route("/admin/*").subRouter(AdminApi.router(vertx, gateway, options));
    Health.mount(vertx, router, gateway);
    router.get(Paths.METRICS).handler(metricsHandler());
  }

  /** A request that failed inside the gateway is logged with its failure and answers {@code 500}. */
  static void answerFailures(Router router) {
    router.errorHandler(500, rc -> {
      LOG.warn("Request {} failed", rc.request().path(), rc.failure());
      if (!rc.response().ended()) {
        rc.response().setStatusCode(500).end();
      }
    });
  }

  private static Handler<RoutingContext> metricsHandler() {
    if (BackendRegistries.getDefaultNow() instanceof PrometheusMeterRegistry) {
      return PrometheusScrapingHandler.create();
    }
    return rc -> rc.response().setStatusCode(404).end("metrics are off: start Vert.x with Micrometer metrics");
  }
}
