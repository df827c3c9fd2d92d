package dev.genapi.gateway;

import dev.genapi.dispatch.Pipeline;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The HTTP server of a gateway: the native WebSocket endpoint {@code /ws}, calls over HTTP {@code /api/call}, the
 * public catalogue {@code /api/functions}, the admin API and the health endpoints. Deploy several instances to serve connections on
 * several event loops; they share the port and the pipeline.
 */
public final class GatewayVerticle extends VerticleBase {

  private static final Logger LOG = Logger.getLogger(GatewayVerticle.class.getName());

  private final Gateway gateway;
  private final Pipeline pipeline;
  private final GatewayOptions options;
  private HttpServer server;

  /**
   * @param gateway the gateway this server belongs to (registry, nodes, pulls)
   * @param pipeline the shared call pipeline
   * @param options the gateway options
   */
  public GatewayVerticle(Gateway gateway, Pipeline pipeline, GatewayOptions options) {
    this.gateway = gateway;
    this.pipeline = pipeline;
    this.options = options;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.get("/ws").handler(rc -> rc.request().toWebSocket()
      .onSuccess(socket -> new WebSocketSession(socket, pipeline, options))
      .onFailure(rc::fail));
    router.post("/api/call").handler(BodyHandler.create(false).setBodyLimit(options.getMaxPayloadBytes() * 2L))
      .handler(new HttpTransport(pipeline, options)::handle);
    router.get("/api/functions").handler(rc -> rc.response().putHeader("Content-Type", "application/json")
      .end(Catalogue.of(gateway.registry()).toBuffer()));
    router.route("/admin/*").subRouter(AdminApi.router(vertx, gateway, options));
    router.get("/health/live").handler(rc -> rc.json(new JsonObject().put("status", "UP")));
    router.get("/health/ready").handler(rc -> rc.json(new JsonObject().put("status", "UP")));
    // frames up to twice the payload limit are read whole, so an oversize call gets an error frame, not a close
    HttpServerOptions serverOptions = new HttpServerOptions()
      .setMaxWebSocketFrameSize(options.getMaxPayloadBytes() * 2)
      .setMaxWebSocketMessageSize(options.getMaxPayloadBytes() * 2);
    router.errorHandler(500, rc -> {
      LOG.log(Level.WARNING, "Request " + rc.request().path() + " failed", rc.failure());
      if (!rc.response().ended()) {
        rc.response().setStatusCode(500).end();
      }
    });
    server = vertx.createHttpServer(serverOptions).requestHandler(router);
    return server.listen(options.getPort(), options.getHost());
  }

  /** @return the port the server listens on */
  public int actualPort() {
    return server.actualPort();
  }
}
