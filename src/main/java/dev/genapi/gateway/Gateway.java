package dev.genapi.gateway;

import com.hazelcast.core.HazelcastInstance;
import dev.genapi.api.GenApiException;
import dev.genapi.cluster.ClusterSupport;
import dev.genapi.config.ConfigService;
import dev.genapi.config.ConfigVerticle;
import dev.genapi.config.FunctionRegistry;
import dev.genapi.dispatch.Hooks;
import dev.genapi.dispatch.NodeRegistry;
import dev.genapi.dispatch.Pipeline;
import dev.genapi.dispatch.ReplyRouter;
import dev.genapi.metrics.GenApiMetrics;
import dev.genapi.metrics.Tracing;
import dev.genapi.ratelimit.KeyState;
import dev.genapi.ratelimit.LimitSelector;
import dev.genapi.ratelimit.LimitedKey;
import dev.genapi.ratelimit.RateLimit;
import dev.genapi.ratelimit.RateLimitOptions;
import dev.genapi.ratelimit.RateLimitSettings;
import dev.genapi.ratelimit.RateLimitSync;
import dev.genapi.ratelimit.RateLimiter;
import dev.genapi.relay.Relay;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import dev.genapi.protocol.Request;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A running gateway on a clustered Vert.x instance: the registry kept in sync, the live node view, the reply
 * address, and the HTTP server. {@link #start} completes when the gateway is ready (registry loaded, port bound).
 * <pre>{@code
 * Gateway.start(vertx, new GatewayOptions().setPort(8080))
 *   .onSuccess(gateway -> System.out.println("listening on " + gateway.port()));
 * }</pre>
 */
public final class Gateway {

  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
  private static final long DRAIN_TICK_MS = 50;

  private final Vertx vertx;
  private final FunctionRegistry registry = new FunctionRegistry();
  private final NodeRegistry nodes;
  private final ReplyRouter replies = new ReplyRouter();
  private String deploymentId;
  private final List<GatewayVerticle> servers = new CopyOnWriteArrayList<>();
  private ConfigVerticle configVerticle;
  private Pipeline pipeline;
  private ConnectionOpener opener;
  private volatile boolean ready;
  private final Drain drain;
  private Future<Void> drained;
  private final Authenticator authenticator;
  private final ConnectionAdmission connections;
  private final MemoryBudget memory;
  private final Map<String, LongPollSession> longPolls = new ConcurrentHashMap<>();
  private final GenApiMetrics metrics;
  private final RateLimiter rateLimiter;
  private RateLimitSettings rateLimitSettings;
  private RateLimitSync rateLimitSync;
  private Relay relay;
  private McpEndpoint mcp;
  private int port;
  private int adminPort = -1;

  private Gateway(Vertx vertx, GatewayOptions options) {
    Integer admin = options.getAdminPort();
    if (admin != null && admin != 0 && admin == options.getPort()) {
      // Vert.x would share the port between both servers, mixing operator and client routes
      throw new IllegalArgumentException("admin_port: " + admin + " (expected: another port than http_port)");
    }
    this.vertx = vertx;
    this.metrics = new GenApiMetrics(options.getMetrics());
    this.rateLimiter = new RateLimiter(new RateLimitOptions(), metrics);
    this.authenticator = Authenticator.create(vertx, options.getAuth());
    if (AuthOptions.MODE_NONE.equals(options.getAuth().getMode())) {
      LOG.warn("auth_mode is none: the gateway trusts the user_id and user_roles clients send (development only; "
        + "set auth_mode jwt wherever untrusted clients can connect)");
    }
    ClientLimitsOptions limits = options.getClientLimits();
    this.connections = new ConnectionAdmission(options.getMaxConnections(), limits.getMaxConnectionsPerAddress(),
      new ClientAddresses(limits.getTrustedProxies()));
    this.memory = new MemoryBudget(limits.getMaxGatewayBytes());
    this.nodes = new NodeRegistry(options.getLeaseTimeoutMs(), ClusterSupport.nodeId(vertx), registry,
      replies::failCallsTo);
    this.drain = new Drain(options.getDrainTimeoutMs(), options.getDrainReconnectSpreadMs());
  }

  /**
   * @param vertx a Vert.x instance clustered with Hazelcast
   * @param options the gateway options
   * @return the gateway, once ready
   */
  public static Future<Gateway> start(Vertx vertx, GatewayOptions options) {
    return start(vertx, options, new Hooks());
  }

  /**
   * @param vertx a Vert.x instance clustered with Hazelcast
   * @param options the gateway options
   * @param hooks the before/after hooks FunConfigs may name
   * @return the gateway, once ready
   */
  public static Future<Gateway> start(Vertx vertx, GatewayOptions options, Hooks hooks) {
    Gateway gateway;
    try {
      gateway = new Gateway(vertx, options);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return vertx.deployVerticle(new Deployment(gateway, options, hooks)).map(id -> {
      gateway.deploymentId = id;
      return gateway;
    });
  }

  /**
   * The gateway as one deployment: its servers and registry sync are deployed inside it and what it starts runs on its
   * context, so undeploying it, by {@link #stop()} or by closing Vert.x, undeploys those first, then stops the rest
   * (timers, listeners, consumers) before Vert.x closes its workers and the event bus.
   */
  private static final class Deployment extends VerticleBase {

    private final Gateway gateway;
    private final GatewayOptions options;
    private final Hooks hooks;

    Deployment(Gateway gateway, GatewayOptions options, Hooks hooks) {
      this.gateway = gateway;
      this.options = options;
      this.hooks = hooks;
    }

    @Override
    public Future<?> start() {
      return gateway.deploy(options, hooks);
    }

    @Override
    public Future<?> stop() {
      return gateway.release();
    }
  }

  private Future<Void> deploy(GatewayOptions options, Hooks hooks) {
    HazelcastInstance hazelcast = ClusterSupport.hazelcast(vertx);
    pipeline = new Pipeline(vertx, registry, nodes, replies, hooks, rateLimiter, options.isDetailErrors(),
      options.getMaxInFlightPerFunction(), metrics, Tracing.fromGlobal());
    gauges();
    rateLimitSettings = new RateLimitSettings(vertx, hazelcast, rateLimiter, options.getAdminToken(), metrics);
    rateLimitSync = new RateLimitSync(vertx, rateLimiter, options.getAdminToken());
    configVerticle = new ConfigVerticle(registry, options.getConfig(), metrics);
    relay = new Relay(vertx, hazelcast);
    opener = new ConnectionOpener(vertx, pipeline, this, options.getClientLimits());
    mcp = McpEndpoint.start(vertx, this, options);
    return vertx.deployVerticle(configVerticle)
      .compose(id -> nodes.start(vertx, hazelcast))
      .compose(v -> replies.start(vertx))
      .compose(v -> rateLimitSettings.start(options.getRateLimits()))
      .compose(v -> rateLimitSync.start())
      .compose(v -> relay.start())
      .compose(v -> vertx.deployVerticle(() -> {
        GatewayVerticle server = new GatewayVerticle(this, pipeline, options);
        servers.add(server);
        return server;
      }, new DeploymentOptions().setInstances(options.getInstances())))
      .compose(id -> {
        port = servers.get(0).actualPort();
        return deployAdmin(options);
      })
      .map(v -> {
        ready = true;
        return null;
      });
  }

  /** With an admin port, the server that alone serves the admin API, {@code /metrics} and the health endpoints. */
  private Future<Void> deployAdmin(GatewayOptions options) {
    if (options.getAdminPort() == null) {
      return Future.succeededFuture();
    }
    AdminVerticle admin = new AdminVerticle(this, options);
    return vertx.deployVerticle(admin).map(id -> {
      adminPort = admin.actualPort();
      return null;
    });
  }

  private void gauges() {
    metrics.registryGauges(registry::size, registry::changes);
    metrics.liveNodesGauge(() -> nodes.snapshot().size());
    metrics.inFlightGauge(pipeline::inFlight);
    metrics.clientGauges(memory::held, memory::slowClients);
    for (ConnectionAdmission.Transport transport : ConnectionAdmission.Transport.values()) {
      metrics.connectionsGauge(transport.name().toLowerCase(), () -> connections.sessions(transport));
    }
  }

  /** @return the HTTP port the gateway listens on */
  public int port() {
    return port;
  }

  /** @return the port of the admin API, {@code /metrics} and the health endpoints; -1 when they share {@link #port} */
  public int adminPort() {
    return adminPort;
  }

  /** @return this gateway's local function index */
  public FunctionRegistry registry() {
    return registry;
  }

  /** @return this gateway's own config service (the admin routes call it, not whichever gateway the bus picks) */
  ConfigService configService() {
    return configVerticle.service();
  }

  /** Removes every failed config from the cluster: they are the operator's to clear, not the bus's. */
  public Future<Void> clearFailedConfigs() {
    return configVerticle.clearFailedConfigs();
  }

  /** @return the state of each service this gateway pulls */
  public JsonObject pullStatus() {
    return configVerticle.pullStatus();
  }

  /** @return this gateway's rate limiter */
  public RateLimiter rateLimiter() {
    return rateLimiter;
  }

  /**
   * Drains the gateway, losing no call: readiness turns off and new connections are refused; every client is told to
   * move (native and SockJS: a {@code drain} frame with its {@code reconnect_after_ms}; Phoenix: {@code phx_error} on
   * its topics, so the client holds its pushes); every call that arrives from then on answers {@code UNAVAILABLE}
   * ({@code can_retry}, "gateway draining"); calls in flight (streams included) finish. Once they have and every
   * reconnect delay has passed (or no client is left), or at {@code drain_timeout_ms} at the latest, calls still open
   * get a last {@code TIMEOUT} frame and every client connection is closed with a reconnect hint (WebSocket close
   * 1012). Calling it again returns the same drain.
   *
   * @return completed once the clients are closed
   */
  public synchronized Future<Void> drain() {
    if (drained != null) {
      return drained;
    }
    drain.start();
    LOG.info("GenApi gateway draining: {} calls in flight", drain.openCalls());
    servers.forEach(GatewayVerticle::drainStarted);
    Promise<Void> settled = Promise.promise();
    vertx.setPeriodic(DRAIN_TICK_MS, id -> {
      long now = System.currentTimeMillis();
      if (drain.deadlinePassed(now) || drain.openCalls() == 0 && (sessions() == 0 || drain.windowPassed(now))) {
        vertx.cancelTimer(id);
        settled.complete();
      }
    });
    drained = settled.future().compose(v -> {
      LOG.info("GenApi gateway drained; {} calls left, closing client connections", drain.openCalls());
      GenApiException failure = drain.deadline();
      return Future.join(servers.stream().map(server -> server.closeClients(failure)).toList()).mapEmpty();
    });
    return drained;
  }

  private int sessions() {
    int open = 0;
    for (ConnectionAdmission.Transport transport : ConnectionAdmission.Transport.values()) {
      open += connections.sessions(transport);
    }
    return open;
  }

  /** @return whether the gateway serves: in its cluster, registry loaded, HTTP bound */
  public boolean ready() {
    return ready;
  }

  /** @return whether the gateway is draining: readiness off, no new connections, new calls refused */
  public boolean draining() {
    return drain.draining();
  }

  /** @return the built-in {@code relay} service */
  Relay relay() {
    return relay;
  }

  /** @return where the transports open their client connections */
  ConnectionOpener opener() {
    return opener;
  }

  Drain drainState() {
    return drain;
  }

  ReplyRouter replies() {
    return replies;
  }

  Authenticator authenticator() {
    return authenticator;
  }

  ConnectionAdmission connections() {
    return connections;
  }

  /** @return the bytes this gateway holds for its clients: calls in flight and frames not yet handed to the network */
  public long clientBytes() {
    return memory.held();
  }

  /** @return the most bytes this gateway held for its clients at once */
  public long clientBytesPeak() {
    return memory.peak();
  }

  /** @return how many clients this gateway disconnected for staying over their byte budget */
  public long slowClientsDisconnected() {
    return memory.slowClients();
  }

  MemoryBudget memory() {
    return memory;
  }

  /** @return the MCP server every server verticle serves {@code /mcp} from */
  McpEndpoint mcp() {
    return mcp;
  }

  /** @return the Phoenix long-poll sessions of every server verticle, by token */
  Map<String, LongPollSession> longPolls() {
    return longPolls;
  }

  /** @return how many gateways this one knows to share the rate limits with, itself included */
  public int rateLimitGateways() {
    return rateLimitSync.gateways();
  }

  /** @return the cluster-wide rate-limit settings */
  public RateLimitSettings rateLimitSettings() {
    return rateLimitSettings;
  }

  /**
   * Explains a call without running it (the admin API's {@code GET /admin/explain}).
   *
   * @param request the call, its identity applied
   * @return which function would serve it and what each check and the node selection would make of it
   */
  public JsonObject explain(Request request) {
    return pipeline.explain(request);
  }

  /**
   * @return the key's state under each limit in force with its scope and key, as this gateway knows it (its own calls
   *   and those the other gateways reported, at most {@code sync_interval_ms} late); empty when no limit has them
   */
  public List<KeyState> rateLimitState(LimitedKey key) {
    return rateLimiter.keyState(key);
  }

  /**
   * Forgets the key's windows on every gateway, the calls each admitted and those merged from the others.
   *
   * @return how many gateways forgot it; failed when one did not confirm in time (the others have forgotten it)
   */
  public Future<Integer> resetRateLimit(LimitedKey key) {
    return rateLimitSync.reset(key);
  }

  /**
   * Adds one limit on every gateway, keeping the others; it replaces the limit of the same scope, key and window.
   *
   * @return the limit it replaced, or {@code null} when it was added
   */
  public Future<RateLimit> addRateLimit(RateLimit limit) {
    return rateLimitSettings.add(limit);
  }

  /** @return how many limits it removed on every gateway: those the selector names */
  public Future<Integer> removeRateLimits(LimitSelector which) {
    return rateLimitSettings.remove(which);
  }

  /** @return this gateway's view of the live nodes */
  public NodeRegistry nodes() {
    return nodes;
  }

  /**
   * Stops serving: undeploys the HTTP servers and the registry sync, and stops listening to leases and replies.
   * Closing Vert.x does the same.
   */
  public Future<Void> stop() {
    return vertx.undeploy(deploymentId);
  }

  /** Once the servers and the registry sync are undeployed: stops what the gateway started beside them. */
  private Future<Void> release() {
    return replies.stop()
      .eventually(rateLimitSync::stop)
      .eventually(relay::stop)
      .eventually(mcp::stop)
      .eventually(rateLimitSettings::stop)
      .eventually(() -> nodes.stop(vertx, ClusterSupport.hazelcast(vertx)))
      .mapEmpty();
  }
}
