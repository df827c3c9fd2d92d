package dev.genapi.dispatch;

import dev.genapi.api.FunConfig;
import dev.genapi.config.FunctionRegistry;
import dev.genapi.metrics.GenApiMetrics;
import dev.genapi.metrics.Tracing;
import dev.genapi.protocol.Request;
import dev.genapi.ratelimit.RateLimiter;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * The call pipeline every transport shares, built once per gateway JVM: the {@link Stage}s a call passes, composed
 * here in order, then the invoke step ({@link Invocation}: attempts with timeout, fallback and retry, streams). A
 * client's call goes through: lookup (local index) → after hook (wraps every answer from there on) → before hook →
 * permission → permission callback (the one step that waits, on a node) → rate limit → arguments → in-flight bound →
 * node selection → invoke. A call the gateway makes itself (a permission callback) passes only the stages for gateway
 * calls ({@link Stage#forGatewayCalls()}). Nothing here waits on Hazelcast.
 */
public final class Pipeline {

  /** Default bound on the calls in flight per function on one gateway. */
  public static final int DEFAULT_MAX_IN_FLIGHT = 10_000;

  private final Vertx vertx;
  private final Invoker invoker;
  private final InFlightBound inFlight;
  private final StageChain clientCalls;
  private final StageChain gatewayCalls;
  private final CallExplainer explainer;
  private final Tracing tracing;

  /**
   * @param vertx the gateway's clustered Vert.x
   * @param registry the local function index
   * @param nodes the live nodes
   * @param replies this gateway's reply address
   * @param hooks the named before/after hooks
   * @param rateLimiter the rate limits, checked after the permission
   * @param detailErrors whether {@code INTERNAL} errors show their reason
   * @param maxInFlight the bound on calls in flight per function on this gateway
   * @param metrics where calls, chunks and retries are counted
   * @param tracing the spans of clients' calls
   */
  public Pipeline(Vertx vertx, FunctionRegistry registry, NodeRegistry nodes, ReplyRouter replies, Hooks hooks,
                  RateLimiter rateLimiter, boolean detailErrors, int maxInFlight, GenApiMetrics metrics,
                  Tracing tracing) {
    NodeSelector selector = new NodeSelector(nodes);
    PermissionCallback permissionCallback = new PermissionCallback(registry, metrics, this::startByGateway);
    this.vertx = vertx;
    this.tracing = tracing;
    this.invoker = new Invoker(vertx, replies, selector, nodes, metrics, detailErrors);
    this.inFlight = new InFlightBound(maxInFlight);
    List<Stage> stages = List.of(
      new FunctionLookup(registry, metrics),
      new AfterHookSink(hooks),
      new BeforeHookRun(hooks),
      new PermissionCheck(),
      permissionCallback,
      new RateLimitCheck(rateLimiter),
      new ArgumentCheck(),
      inFlight,
      new NodeSelection(selector));
    this.clientCalls = new StageChain(stages);
    this.gatewayCalls = new StageChain(stages.stream().filter(Stage::forGatewayCalls).toList());
    this.explainer = new CallExplainer(registry, selector, permissionCallback, rateLimiter);
  }

  /**
   * Runs one call. Must be called on the connection's context; every frame is sent to the sink on that context.
   *
   * @param request the decoded call
   * @param sink the connection
   * @return the call while it may still send frames, or {@code null} when it already ended
   */
  public InFlightCall execute(Request request, ResponseSink sink) {
    return execute(request, sink, Writability.ALWAYS);
  }

  /**
   * Runs one call whose stream chunks go at the pace of the connection. Must be called on the connection's context.
   *
   * @param request the decoded call
   * @param sink the connection
   * @param writability when the connection takes more frames
   * @return the call while it may still send frames, or {@code null} when it already ended
   */
  public InFlightCall execute(Request request, ResponseSink sink, Writability writability) {
    Call call = Call.byClient(request, sink);
    if (tracing.enabled()) {
      call.trace(tracing.startCall(request.traceparent(), request.service(), request.requestType()));
    }
    Invocation invocation = new Invocation(invoker, clientCalls, call, writability, vertx.getOrCreateContext());
    invocation.start();
    return invocation.done() ? null : invocation;
  }

  /** A call the gateway makes itself, to a function it found: its caller's checks are not its own. */
  private void startByGateway(Request request, FunConfig function, ResponseSink sink) {
    new Invocation(invoker, gatewayCalls, Call.byGateway(request, function, sink), Writability.ALWAYS,
      vertx.getOrCreateContext()).start();
  }

  /**
   * Explains a call: which function would serve it, whether its caller passes the permission and its arguments the
   * checks, the rate limits with the caller's state, the nodes that serve it and the one that would be chosen. Runs
   * nothing and changes nothing.
   *
   * @param request the call as a client would send it, its identity applied
   * @return the explanation ({@link CallExplainer#explain})
   */
  public JsonObject explain(Request request) {
    return explainer.explain(request);
  }

  /** @return the gateway's meters */
  public GenApiMetrics metrics() {
    return invoker.metrics();
  }

  /** @return the calls in flight on this gateway, every function included */
  public int inFlight() {
    return inFlight.total();
  }
}
