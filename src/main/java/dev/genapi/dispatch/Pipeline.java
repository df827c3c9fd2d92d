package dev.genapi.dispatch;

import dev.genapi.api.ErrorCode;
import dev.genapi.api.FunConfig;
import dev.genapi.api.GenApiException;
import dev.genapi.config.FunctionRegistry;
import dev.genapi.metrics.CallMeters;
import dev.genapi.metrics.GenApiMetrics;
import dev.genapi.protocol.Request;
import dev.genapi.ratelimit.RateLimiter;
import dev.genapi.protocol.Response;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The call pipeline every transport shares, built once per gateway JVM. One call goes through: lookup (local
 * index) → before hook → permission → permission callback ({@link PermissionCallback}, the one step that waits, on a
 * node) → rate limit → arguments → in-flight bound → node selection → invoke with timeout, fallback and retry → after
 * hook. Nothing here waits on Hazelcast.
 */
public final class Pipeline {

  /** Default bound on the calls in flight per function on one gateway. */
  public static final int DEFAULT_MAX_IN_FLIGHT = 10_000;

  private final Vertx vertx;
  private final FunctionRegistry registry;
  private final NodeRegistry nodes;
  private final NodeSelector selector;
  private final CallExplainer explainer;
  private final ReplyRouter replies;
  private final Hooks hooks;
  private final RateLimiter rateLimiter;
  private final PermissionCallback permissionCallback = new PermissionCallback(this);
  private final boolean detailErrors;
  private final int maxInFlight;
  private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
  private final AtomicInteger inFlightTotal = new AtomicInteger();
  private final GenApiMetrics metrics;

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
   */
  public Pipeline(Vertx vertx, FunctionRegistry registry, NodeRegistry nodes, ReplyRouter replies, Hooks hooks,
                  RateLimiter rateLimiter, boolean detailErrors, int maxInFlight, GenApiMetrics metrics) {
    this.vertx = vertx;
    this.registry = registry;
    this.nodes = nodes;
    this.selector = new NodeSelector(nodes);
    this.explainer = new CallExplainer(registry, selector, permissionCallback, rateLimiter);
    this.replies = replies;
    this.hooks = hooks;
    this.rateLimiter = rateLimiter;
    this.detailErrors = detailErrors;
    this.maxInFlight = maxInFlight;
    this.metrics = metrics;
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
    long start = System.nanoTime();
    FunConfig function;
    try {
      function = registry.lookup(request.service(), request.requestType(), request.version());
    } catch (GenApiException e) {
      metrics.calls(GenApiMetrics.UNKNOWN, GenApiMetrics.UNKNOWN, GenApiMetrics.UNKNOWN)
        .record(e.code(), System.nanoTime() - start);
      sink.send(Response.error(request.requestId(), e, detailErrors), true);
      return null;
    }
    Invocation invocation = new Invocation(this, request, function,
      hooks.wrapAfter(function, request, metered(function, start, sink)), writability, vertx.getOrCreateContext(),
      false);
    invocation.start();
    return invocation.done() ? null : invocation;
  }

  /** @return a sink that counts the call's outcome and duration since {@code start} when its last frame passes */
  ResponseSink metered(FunConfig function, long start, ResponseSink sink) {
    CallMeters meters = metrics.calls(function.key(), function.service(), function.requestType());
    return (response, last) -> {
      if (last) {
        meters.record(response == null ? null : response.code(), System.nanoTime() - start);
      }
      sink.send(response, last);
    };
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

  Vertx vertx() {
    return vertx;
  }

  ReplyRouter replies() {
    return replies;
  }

  FunctionRegistry registry() {
    return registry;
  }

  PermissionCallback permissionCallback() {
    return permissionCallback;
  }

  NodeSelector selector() {
    return selector;
  }

  Hooks hooks() {
    return hooks;
  }

  RateLimiter rateLimiter() {
    return rateLimiter;
  }

  boolean detailErrors() {
    return detailErrors;
  }

  /** @return the gateway's meters */
  public GenApiMetrics metrics() {
    return metrics;
  }

  /** @return the calls in flight on this gateway, every function included */
  public int inFlight() {
    return inFlightTotal.get();
  }

  /** A call could not be written to its node: the node is gone (or not consuming yet), so forget it for now. */
  void unreachable(String node) {
    nodes.markUnreachable(node);
  }

  /** @throws GenApiException {@code OVERLOADED} when the function already has the most calls in flight */
  void acquire(FunConfig function) {
    AtomicInteger count = inFlight.computeIfAbsent(function.key(), k -> new AtomicInteger());
    if (count.incrementAndGet() > maxInFlight) {
      count.decrementAndGet();
      throw new GenApiException(ErrorCode.OVERLOADED, "Service temporarily unavailable");
    }
    inFlightTotal.incrementAndGet();
  }

  void release(FunConfig function) {
    inFlight.get(function.key()).decrementAndGet();
    inFlightTotal.decrementAndGet();
  }
}
