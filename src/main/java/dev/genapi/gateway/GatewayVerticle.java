package dev.genapi.gateway;

import dev.genapi.api.GenApiException;
import dev.genapi.dispatch.Pipeline;
import dev.genapi.protocol.Request;
import dev.genapi.protocol.Response;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The HTTP server of a gateway: native frames over WebSocket ({@code /ws}) and SockJS ({@code /sockjs}), Phoenix
 * Channels v2 ({@code /socket/websocket}), calls over HTTP ({@code /api/call}), the public catalogue
 * ({@code /api/functions}), MCP ({@code /mcp}, {@link McpTransport}), and the admin API, {@code /metrics} and the
 * health endpoints unless an admin port serves them ({@link AdminVerticle}). Deploy several instances to serve
 * connections on several event loops; they share the port and the pipeline.
 */
public final class GatewayVerticle extends VerticleBase {

  private static final long HAND_OFF_TICK_MS = 50;

  private final Gateway gateway;
  private final Pipeline pipeline;
  private final GatewayOptions options;
  private final OriginCheck origins;
  private final Set<HttpConnection> refused = new HashSet<>();
  // admitted connections and their peer's address; a WebSocket's connection closes through its WebSocket, since an
  // upgraded HttpConnection's close handler never runs
  private final Map<HttpConnection, String> admitted = new HashMap<>();
  private HttpServer server;
  private WebSocketTransport webSockets;
  private SockJsTransport sockJs;
  private HttpTransport http;
  private LongPollTransport longPoll;
  private long handOffTimer = -1;

  /**
   * @param gateway the gateway this server belongs to (registry, nodes, pulls, identity, connection bound)
   * @param pipeline the shared call pipeline
   * @param options the gateway options
   */
  public GatewayVerticle(Gateway gateway, Pipeline pipeline, GatewayOptions options) {
    this.gateway = gateway;
    this.pipeline = pipeline;
    this.options = options;
    this.origins = new OriginCheck(options.getClientLimits().getAllowedOrigins());
  }

  @Override
  public Future<?> start() {
    PushIndex pushes = new PushIndex();
    webSockets = new WebSocketTransport(vertx, gateway, options, pushes, this::release);
    sockJs = new SockJsTransport(vertx, gateway, options, pushes);
    http = new HttpTransport(vertx, gateway, options);
    longPoll = new LongPollTransport(vertx, gateway, options, pushes, gateway.longPolls(),
      this::admitSession);
    long bodyLimit = options.getMaxPayloadBytes() * 2L;
    Router router = Router.router(vertx);
    router.route().handler(this::admit);
    router.get("/ws").handler(rc -> webSockets.upgrade(rc, false));
    router.get("/socket/websocket").handler(rc -> webSockets.upgrade(rc, true));
    router.get(LongPollTransport.PATH).handler(longPoll::poll);
    router.post(LongPollTransport.PATH).handler(BodyHandler.create(false).setBodyLimit(bodyLimit))
      .handler(longPoll::send);
    router.route("/sockjs/*").handler(BodyHandler.create(false).setBodyLimit(bodyLimit));
    router.route("/sockjs/*").subRouter(SockJSHandler.create(vertx, new SockJSHandlerOptions()
      .setRegisterWriteHandler(false)).socketHandler(sockJs::open));
    router.post("/api/call").handler(BodyHandler.create(false).setBodyLimit(bodyLimit))
      .handler(http::handle);
    router.route("/mcp").handler(BodyHandler.create(false).setBodyLimit(bodyLimit))
      .handler(gateway.mcp().transport()::handle);
    RegistryDocument catalogue = new RegistryDocument(gateway.registry(), Catalogue::of);
    RegistryDocument schema = new RegistryDocument(gateway.registry(), SchemaDocuments::jsonSchema);
    RegistryDocument openApi = new RegistryDocument(gateway.registry(), SchemaDocuments::openApi);
    router.get("/api/functions").handler(rc -> json(rc, catalogue));
    router.get("/api/schema").handler(rc -> json(rc, schema));
    router.get("/api/schema/openapi.json").handler(rc -> json(rc, openApi));
    if (options.getAdminPort() == null) {
      OperatorRoutes.mount(vertx, router, gateway, options);
    }
    Playground.mount(router);
    OperatorRoutes.answerFailures(router);
    // a body over the hard cap is refused from its Content-Length, before it is read; the client is told, not the log
    router.errorHandler(413, rc -> {
      if (!rc.response().ended()) {
        GenApiException tooBig = GenApiException.invalidRequest("Request payload exceeds maximum size of "
          + options.getMaxPayloadBytes() + " bytes");
        HttpTransport.connectionClose(rc);
        rc.response().setStatusCode(413).putHeader("Content-Type", "application/json")
          .end(Response.error(Request.UNKNOWN_ID, tooBig, false).toBuffer())
          // the unread rest of the body would otherwise keep the connection busy until it idles out
          .onComplete(v -> {
            if (rc.request().version() != HttpVersion.HTTP_2) {
              rc.request().connection().close();
            }
          });
      }
    });
    // frames up to twice the payload limit are read whole, so an oversize call gets an error frame, not a close;
    // compression is off, as inflating a message has no bound in Vert.x; idle HTTP connections close after twice
    // the idle timeout (WebSockets are closed by their transport's sweep before that); strict thread mode (every
    // response is written on its connection's event loop) spares each HTTP/1 connection, and so each WebSocket
    // upgraded from one, a 4 KB outbound queue
    HttpServerOptions serverOptions = options.getTls().applyTo(new HttpServerOptions())
      .setIdleTimeout((int) Math.min(Integer.MAX_VALUE, 2 * options.getClientLimits().getIdleTimeoutMs()))
      .setIdleTimeoutUnit(java.util.concurrent.TimeUnit.MILLISECONDS)
      .setMaxWebSocketFrameSize(options.getMaxPayloadBytes() * 2)
      .setMaxWebSocketMessageSize(options.getMaxPayloadBytes() * 2)
      .setPerMessageWebSocketCompressionSupported(false)
      .setPerFrameWebSocketCompressionSupported(false)
      .setStrictThreadMode(true);
    server = vertx.createHttpServer(serverOptions).connectionHandler(this::connected).requestHandler(router);
    return gateway.replies().listen(vertx).compose(v -> pushes.listen(vertx, pipeline.metrics()))
      .compose(v -> server.listen(options.getPort(), options.getHost()));
  }

  /** Counts a TCP connection; one over {@code max_connections} or the per-address bound is marked refused. */
  private void connected(HttpConnection connection) {
    String address = connection.remoteAddress() == null ? null : connection.remoteAddress().hostAddress();
    if (!gateway.connections().open(address)) {
      refused.add(connection);
      connection.closeHandler(v -> refused.remove(connection));
      return;
    }
    admitted.put(connection, address);
    connection.closeHandler(v -> release(connection));
  }

  private void release(HttpConnection connection) {
    if (admitted.containsKey(connection)) {
      gateway.connections().close(admitted.remove(connection));
    }
  }

  /**
   * Requests on a refused connection answer {@code 503} and close it (probes and metrics excepted, so a full gateway
   * is not restarted as dead); requests of client paths from an origin that is not allowed answer {@code 403}. While
   * the gateway drains, every answer but a WebSocket upgrade's carries {@code Connection: close}.
   */
  private void admit(RoutingContext rc) {
    String path = rc.request().path();
    boolean operations = path.startsWith("/health/") || path.equals(Paths.METRICS);
    if (gateway.draining() && rc.request().getHeader(HttpHeaders.UPGRADE) == null) {
      HttpTransport.closeAfterAnswer(rc);
    }
    boolean refusedHere = !operations && refused.contains(rc.request().connection());
    if (refusedHere && longPoll.serves(rc.request())) {
      // a live long-poll session holds its address's slot: its polls and sends pass, one per connection
      HttpTransport.closeAfterAnswer(rc);
      refusedHere = false;
    }
    if (refusedHere) {
      HttpTransport.connectionClose(rc);
      rc.response().setStatusCode(503).end("too many connections");
    } else if (clientPath(path) && !origins.allows(rc.request())) {
      rc.response().setStatusCode(403).end("origin not allowed");
    } else {
      rc.next();
    }
  }

  /**
   * A long-poll session opens on this request's connection: the session takes the connection's slot under the
   * connection bounds (a session counts as one connection, whichever TCP connections carry its requests), and the
   * connection closes after this answer.
   *
   * @return whether the session fits the bounds (it is then counted)
   */
  private boolean admitSession(RoutingContext rc, String ip) {
    HttpConnection carrier = rc.request().connection();
    if (admitted.containsKey(carrier)) {
      gateway.connections().close(admitted.remove(carrier));
      HttpTransport.closeAfterAnswer(rc);
    }
    return gateway.connections().open(ip);
  }

  private static void json(RoutingContext rc, RegistryDocument document) {
    rc.response().putHeader("Content-Type", "application/json").end(document.body());
  }

  private static boolean clientPath(String path) {
    return path.equals("/ws") || path.startsWith("/socket/") || path.startsWith("/sockjs")
      || path.equals("/api/call") || path.equals("/mcp");
  }

  @Override
  public Future<?> stop() {
    return gateway.replies().unlisten();
  }

  /**
   * The gateway starts draining: every session is told to move, and a session that can no longer lose a call (a
   * Phoenix socket whose client holds its pushes) is closed as soon as it gets there.
   */
  void drainStarted() {
    context.runOnContext(v -> {
      webSockets.drain();
      sockJs.drain();
      longPoll.drain();
      handOffTimer = vertx.setPeriodic(HAND_OFF_TICK_MS, id -> {
        webSockets.closeHandedOff();
        longPoll.closeHandedOff();
      });
    });
  }

  /**
   * Ends the drain: calls still in flight get the failure as their last frame, then every client connection of this
   * server is closed with a reconnect hint (1012: the service restarts).
   */
  Future<Void> closeClients(GenApiException failure) {
    Promise<Void> closed = Promise.promise();
    context.runOnContext(v -> {
      vertx.cancelTimer(handOffTimer);
      http.finishAll(failure);
      sockJs.closeAll(failure);
      longPoll.closeAll(failure);
      webSockets.closeAll(failure).onComplete(r -> closed.complete());
    });
    return closed.future();
  }

  /** @return the port the server listens on */
  public int actualPort() {
    return server.actualPort();
  }

}
