package dev.genapi.gateway;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;

/**
 * The HTTP server on {@code admin_port}: the admin API, {@code /metrics} and the health endpoints, and nothing else.
 * It binds the gateway's host; its connections are not client connections, so no client bound counts them.
 */
final class AdminVerticle extends VerticleBase {

  private final Gateway gateway;
  private final GatewayOptions options;
  private HttpServer server;

  AdminVerticle(Gateway gateway, GatewayOptions options) {
    this.gateway = gateway;
    this.options = options;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    OperatorRoutes.mount(vertx, router, gateway, options);
    OperatorRoutes.answerFailures(router);
    server = vertx.createHttpServer(options.getTls().applyTo(new HttpServerOptions())).requestHandler(router);
    return server.listen(options.getAdminPort(), options.getHost());
  }

  /** @return the port the server listens on */
  int actualPort() {
    return server.actualPort();
  }
}
