package dev.genapi.gateway;

import com.hazelcast.core.HazelcastInstance;
import dev.genapi.cluster.ClusterSupport;
import dev.genapi.config.ConfigVerticle;
import dev.genapi.config.FunctionRegistry;
import dev.genapi.dispatch.Hooks;
import dev.genapi.dispatch.NodeRegistry;
import dev.genapi.dispatch.Pipeline;
import dev.genapi.dispatch.ReplyRouter;
import dev.genapi.metrics.GenApiMetrics;
import dev.genapi.ratelimit.RateLimitOptions;
import dev.genapi.ratelimit.RateLimitSettings;
import dev.genapi.ratelimit.RateLimitSync;
import dev.genapi.ratelimit.RateLimiter;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * A running gateway on a clustered Vert.x instance: the registry kept in sync, the live node view, the reply
 * address, and the HTTP server. {@link #start} completes when the gateway is ready (registry loaded, port bound).
 * <pre>{@code
 * Gateway.start(vertx, new GatewayOptions().setPort(8080))
 *   .onSuccess(gateway -> System.out.println("listening on " + gateway.port()));
 * }</pre>
 */
public final class Gateway {

  private static final Logger LOG = Logger.getLogger(Gateway.class.getName());

  private final Vertx vertx;
  private final FunctionRegistry registry = new FunctionRegistry();
  private final NodeRegistry nodes;
  private final ReplyRouter replies = new ReplyRouter();
  private final List<String> deployments = new ArrayList<>();
  private final List<GatewayVerticle> servers = new java.util.concurrent.CopyOnWriteArrayList<>();
  private ConfigVerticle configVerticle;
  private Pipeline pipeline;
  private volatile boolean ready;
  private volatile boolean draining;
  private final Authenticator authenticator;
  private final ConnectionAdmission connections;
  private final MemoryBudget memory;
  private final RateLimiter rateLimiter = new RateLimiter(new RateLimitOptions());
  private RateLimitSettings rateLimitSettings;
  private RateLimitSync rateLimitSync;
  private int port;

  private Gateway(Vertx vertx, GatewayOptions options) {
    this.vertx = vertx;
    this.authenticator = Authenticator.create(vertx, options.getAuth());
    if (AuthOptions.MODE_NONE.equals(options.getAuth().getMode())) {
      LOG.warning("auth_mode is none: the gateway trusts the user_id and user_roles clients send (development only; "
        + "set auth_mode jwt wherever untrusted clients can connect)");
    }
    ClientLimitsOptions limits = options.getClientLimits();
    this.connections = new ConnectionAdmission(options.getMaxConnections(), limits.getMaxConnectionsPerAddress(),
      new ClientAddresses(limits.getTrustedProxies()));
    this.memory = new MemoryBudget(limits.getMaxGatewayBytes());
    this.nodes = new NodeRegistry(options.getLeaseTimeoutMs(), replies::failCallsTo);
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
    return gateway.deploy(options, hooks).map(gateway);
  }

  private Future<Void> deploy(GatewayOptions options, Hooks hooks) {
    HazelcastInstance hazelcast = ClusterSupport.hazelcast(vertx);
    String member = ClusterSupport.nodeId(vertx);
    GenApiMetrics metrics = new GenApiMetrics();
    pipeline = new Pipeline(vertx, registry, nodes, replies, hooks, rateLimiter, member,
      options.isDetailErrors(), options.getMaxInFlightPerFunction(), metrics);
    gauges(metrics);
    rateLimitSettings = new RateLimitSettings(vertx, hazelcast, rateLimiter);
    rateLimitSync = new RateLimitSync(vertx, rateLimiter);
    configVerticle = new ConfigVerticle(registry, options.getConfig());
    return vertx.deployVerticle(configVerticle)
      .compose(id -> {
        deployments.add(id);
        return nodes.start(vertx, hazelcast);
      })
      .compose(v -> replies.start(vertx))
      .compose(v -> rateLimitSettings.start(options.getRateLimits()))
      .compose(v -> rateLimitSync.start())
      .compose(v -> vertx.deployVerticle(() -> {
        GatewayVerticle server = new GatewayVerticle(this, pipeline, options);
        servers.add(server);
        return server;
      }, new DeploymentOptions().setInstances(options.getInstances())))
      .map(id -> {
        deployments.add(id);
        port = servers.get(0).actualPort();
        ready = true;
        return null;
      });
  }

  private void gauges(GenApiMetrics metrics) {
    metrics.gauge("genapi.registry.functions", "Functions in this gateway's index", registry::size);
    metrics.gauge("genapi.registry.changes", "Registry changes this gateway applied", registry::changes);
    metrics.gauge("genapi.nodes.live", "Service nodes with a current lease", () -> nodes.snapshot().size());
    metrics.gauge("genapi.calls.in_flight", "Calls in flight on this gateway", pipeline::inFlight);
    metrics.gauge("genapi.client.bytes", "Bytes held for clients: calls in flight and frames not yet written",
      memory::held);
    metrics.gauge("genapi.clients.slow_disconnects", "Clients disconnected for staying over their byte budget",
      memory::slowClients);
    for (ConnectionAdmission.Transport transport : ConnectionAdmission.Transport.values()) {
      metrics.gauge("genapi.connections", "Open client connections", () -> connections.sessions(transport),
        "transport", transport.name().toLowerCase());
    }
  }

  /** @return the HTTP port the gateway listens on */
  public int port() {
    return port;
  }

  /** @return this gateway's local function index */
  public FunctionRegistry registry() {
    return registry;
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
   * Drains the gateway: readiness turns off and new connections are refused, calls in flight (streams included) may
   * finish within the budget, then every client connection is closed with a reconnect hint (WebSocket close 1012).
   *
   * @param budgetMs how long calls in flight may take to finish
   * @return completed once the clients are closed
   */
  public Future<Void> drain(long budgetMs) {
    draining = true;
    LOG.info("GenApi gateway draining: " + pipeline.inFlight() + " calls in flight");
    long deadline = System.currentTimeMillis() + budgetMs;
    Promise<Void> idle = Promise.promise();
    vertx.setPeriodic(50, id -> {
      if (pipeline.inFlight() == 0 || System.currentTimeMillis() >= deadline) {
        vertx.cancelTimer(id);
        idle.complete();
      }
    });
    return idle.future().compose(v -> {
      LOG.info("GenApi gateway drained; " + pipeline.inFlight() + " calls left, closing client connections");
      return Future.join(servers.stream().map(GatewayVerticle::closeClients).toList()).mapEmpty();
    });
  }

  /** @return whether the gateway serves: in its cluster, registry loaded, HTTP bound */
  public boolean ready() {
    return ready;
  }

  /** @return whether the gateway is draining: readiness off, no new connections */
  public boolean draining() {
    return draining;
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

  /** @return how many gateways this one knows to share the rate limits with, itself included */
  public int rateLimitGateways() {
    return rateLimitSync.gateways();
  }

  /** @return the cluster-wide rate-limit settings */
  public RateLimitSettings rateLimitSettings() {
    return rateLimitSettings;
  }

  /** @return this gateway's view of the live nodes */
  public NodeRegistry nodes() {
    return nodes;
  }

  /** Stops serving: undeploys the HTTP servers and the registry sync, and stops listening to leases and replies. */
  public Future<Void> stop() {
    List<Future<?>> undeployed = new ArrayList<>();
    deployments.forEach(id -> undeployed.add(vertx.undeploy(id)));
    return Future.join(undeployed)
      .eventually(replies::stop)
      .eventually(rateLimitSync::stop)
      .eventually(rateLimitSettings::stop)
      .eventually(() -> nodes.stop(vertx, ClusterSupport.hazelcast(vertx)))
      .mapEmpty();
  }
}
