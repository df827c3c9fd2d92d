package dev.genapi.gateway;

import dev.genapi.api.ErrorCode;
import dev.genapi.api.GenApiException;
import dev.genapi.dispatch.Pipeline;
import dev.genapi.protocol.Request;
import dev.genapi.protocol.Response;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.micrometer.backends.BackendRegistries;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The HTTP server of a gateway: native frames over WebSocket ({@code /ws}) and SockJS ({@code /sockjs}), Phoenix
 * Channels v2 ({@code /socket/websocket}), calls over HTTP ({@code /api/call}), the public catalogue
 * ({@code /api/functions}), the admin API and the health endpoints. Deploy several instances to serve connections on
 * several event loops; they share the port and the pipeline.
 */
public final class GatewayVerticle extends VerticleBase {

  private static final Logger LOG = Logger.getLogger(GatewayVerticle.class.getName());

  private final Gateway gateway;
  private final Pipeline pipeline;
  private final GatewayOptions options;
  private HttpServer server;
  private final java.util.Set<ServerWebSocket> sockets = new java.util.HashSet<>();
  private final java.util.Set<SockJSSocket> sockJsSockets = new java.util.HashSet<>();

  /**
   * @param gateway the gateway this server belongs to (registry, nodes, pulls, identity, connection bound)
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
    router.get("/ws").handler(rc -> upgrade(rc, false));
    router.get("/socket/websocket").handler(rc -> upgrade(rc, true));
    router.route("/sockjs/*").handler(BodyHandler.create(false).setBodyLimit(options.getMaxPayloadBytes() * 2L));
    router.route("/sockjs/*").subRouter(SockJSHandler.create(vertx, new SockJSHandlerOptions()
      .setRegisterWriteHandler(false)).socketHandler(this::sockJs));
    router.post("/api/call").handler(BodyHandler.create(false).setBodyLimit(options.getMaxPayloadBytes() * 2L))
      .handler(new HttpTransport(pipeline, gateway.authenticator(), options)::handle);
    router.get("/api/functions").handler(rc -> rc.response().putHeader("Content-Type", "application/json")
      .end(Catalogue.of(gateway.registry()).toBuffer()));
    router.route("/admin/*").subRouter(AdminApi.router(vertx, gateway, options));
    Health.mount(vertx, router, gateway);
    router.get(Paths.METRICS).handler(metricsHandler());
    Playground.mount(router);
    router.errorHandler(500, rc -> {
      LOG.log(Level.WARNING, "Request " + rc.request().path() + " failed", rc.failure());
      if (!rc.response().ended()) {
        rc.response().setStatusCode(500).end();
      }
    });
    // frames up to twice the payload limit are read whole, so an oversize call gets an error frame, not a close
    HttpServerOptions serverOptions = new HttpServerOptions()
      .setMaxWebSocketFrameSize(options.getMaxPayloadBytes() * 2)
      .setMaxWebSocketMessageSize(options.getMaxPayloadBytes() * 2);
    server = vertx.createHttpServer(serverOptions).requestHandler(router);
    return gateway.replies().listen(vertx).compose(v -> server.listen(options.getPort(), options.getHost()));
  }

  @Override
  public Future<?> stop() {
    return gateway.replies().unlisten();
  }

  private static io.vertx.core.Handler<RoutingContext> metricsHandler() {
    if (BackendRegistries.getDefaultNow() instanceof PrometheusMeterRegistry) {
      return PrometheusScrapingHandler.create();
    }
    return rc -> rc.response().setStatusCode(404).end("metrics are off: start Vert.x with Micrometer metrics");
  }

  /** Closes every client connection of this server with a reconnect hint (1012: the service restarts). */
  Future<Void> closeClients() {
    Promise<Void> closed = Promise.promise();
    context.runOnContext(v -> {
      List<Future<Void>> closing = new java.util.ArrayList<>();
      new java.util.ArrayList<>(sockets).forEach(ws -> closing.add(ws.close((short) 1012, "service restart")));
      new java.util.ArrayList<>(sockJsSockets).forEach(sock -> sock.close(1012, "service restart"));
      Future.join(closing).onComplete(r -> closed.complete());
    });
    return closed.future();
  }

  /** @return the port the server listens on */
  public int actualPort() {
    return server.actualPort();
  }

  /** A WebSocket upgrade: refused with 503 over the connection bound, 401 with an expired or forged token. */
  private void upgrade(RoutingContext rc, boolean phoenix) {
    if (gateway.draining()) {
      rc.response().setStatusCode(503).end("draining");
      return;
    }
    ConnectionLimit connections = gateway.connections();
    ConnectionLimit.Transport transport = phoenix ? ConnectionLimit.Transport.PHOENIX : ConnectionLimit.Transport.WEBSOCKET;
    if (!connections.tryAcquire(transport)) {
      rc.response().setStatusCode(503).end("too many connections");
      return;
    }
    rc.request().pause();
    gateway.authenticator().authenticate(Authenticator.tokenOf(rc.request())).onComplete(auth -> {
      if (auth.failed()) {
        connections.release(transport);
        rc.response().setStatusCode(401).end("invalid token");
        return;
      }
      rc.request().toWebSocket().onSuccess(ws -> attach(ws, auth.result(), phoenix)).onFailure(e -> {
        connections.release(transport);
        rc.fail(e);
      });
    });
  }

  private void attach(ServerWebSocket ws, Identity identity, boolean phoenix) {
    sockets.add(ws);
    SessionCalls calls = new SessionCalls(pipeline, gateway.authenticator(), options.getMaxInFlightPerConnection(),
      identity);
    String ip = ws.remoteAddress() == null ? null : ws.remoteAddress().hostAddress();
    java.util.function.Consumer<String> out = text -> {
      if (!ws.isClosed()) {
        ws.writeTextMessage(text);
      }
    };
    if (phoenix) {
      PhoenixSession session = new PhoenixSession(out, calls, gateway.authenticator(), options, ip);
      ws.textMessageHandler(text -> session.onFrame(Buffer.buffer(text)));
      ws.closeHandler(v -> closed(ConnectionLimit.Transport.PHOENIX, () -> {
        sockets.remove(ws);
        session.onClose();
      }));
    } else {
      NativeSession session = new NativeSession(out, calls, options, ip);
      ws.textMessageHandler(text -> session.onFrame(Buffer.buffer(text)));
      ws.binaryMessageHandler(session::onFrame);
      ws.closeHandler(v -> closed(ConnectionLimit.Transport.WEBSOCKET, () -> {
        sockets.remove(ws);
        session.onClose();
      }));
    }
  }

  /**
   * A SockJS session (WebSocket or an HTTP fallback). An expired or forged token gets an {@code UNAUTHENTICATED} frame
   * and the session is closed (4401).
   */
  private void sockJs(SockJSSocket socket) {
    if (gateway.draining()) {
      socket.close(1012, "draining");
      return;
    }
    ConnectionLimit connections = gateway.connections();
    if (!connections.tryAcquire(ConnectionLimit.Transport.SOCKJS)) {
      socket.close(4503, "too many connections");
      return;
    }
    List<String> tokens = new QueryStringDecoder(socket.uri()).parameters().get("token");
    String token = Authenticator.tokenOf(socket.headers().get("Authorization"),
      tokens == null || tokens.isEmpty() ? null : tokens.get(0));
    gateway.authenticator().authenticate(token).onComplete(auth -> {
      if (auth.failed()) {
        connections.release(ConnectionLimit.Transport.SOCKJS);
        socket.write(Response.error(Request.UNKNOWN_ID, new GenApiException(ErrorCode.UNAUTHENTICATED,
          "Invalid or expired token"), false).toBuffer());
        socket.close(4401, "invalid token");
        return;
      }
      SessionCalls calls = new SessionCalls(pipeline, gateway.authenticator(), options.getMaxInFlightPerConnection(),
        auth.result());
      String ip = socket.remoteAddress() == null ? null : socket.remoteAddress().hostAddress();
      NativeSession session = new NativeSession(socket::write, calls, options, ip);
      socket.handler(session::onFrame);
      sockJsSockets.add(socket);
      socket.endHandler(v -> closed(ConnectionLimit.Transport.SOCKJS, () -> {
        sockJsSockets.remove(socket);
        session.onClose();
      }));
    });
  }

  private void closed(ConnectionLimit.Transport transport, Runnable session) {
    gateway.connections().release(transport);
    session.run();
  }
}
