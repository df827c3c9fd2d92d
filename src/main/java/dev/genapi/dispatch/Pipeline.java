package dev.genapi.dispatch;

import dev.genapi.api.ErrorCode;
import dev.genapi.api.FunConfig;
import dev.genapi.api.GenApiException;
import dev.genapi.config.FunctionRegistry;
import dev.genapi.protocol.Request;
import dev.genapi.ratelimit.RateLimiter;
import dev.genapi.protocol.Response;
import io.vertx.core.Vertx;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The call pipeline every transport shares, built once per gateway JVM. One call goes through: lookup (local
 * index) → before hook → permission → rate limit → arguments → in-flight bound → node selection → invoke with timeout, fallback
 * and retry → after hook. Nothing here waits on Hazelcast.
 */
public final class Pipeline {

  /** Default bound on the calls in flight per function on one gateway. */
  public static final int DEFAULT_MAX_IN_FLIGHT = 10_000;

  private final Vertx vertx;
  private final FunctionRegistry registry;
  private final NodeRegistry nodes;
  private final NodeSelector selector;
  private final ReplyRouter replies;
  private final Hooks hooks;
  private final RateLimiter rateLimiter;
  private final boolean detailErrors;
  private final int maxInFlight;
  private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();

  /**
   * @param vertx the gateway's clustered Vert.x
   * @param registry the local function index
   * @param nodes the live nodes
   * @param replies this gateway's reply address
   * @param hooks the named before/after hooks
   * @param rateLimiter the rate limits, checked after the permission
   * @param localMember this JVM's Hazelcast member UUID (for {@code "nodes":"local"})
   * @param detailErrors whether {@code INTERNAL} errors show their reason
   * @param maxInFlight the bound on calls in flight per function on this gateway
   */
  public Pipeline(Vertx vertx, FunctionRegistry registry, NodeRegistry nodes, ReplyRouter replies, Hooks hooks,
                  RateLimiter rateLimiter, String localMember, boolean detailErrors, int maxInFlight) {
    this.vertx = vertx;
    this.registry = registry;
    this.nodes = nodes;
    this.selector = new NodeSelector(nodes, localMember);
    this.replies = replies;
    this.hooks = hooks;
    this.rateLimiter = rateLimiter;
    this.detailErrors = detailErrors;
    this.maxInFlight = maxInFlight;
  }

  /**
   * Runs one call. Must be called on the connection's context; every frame is sent to the sink on that context.
   *
   * @param request the decoded call
   * @param sink the connection
   * @return the call while it may still send frames, or {@code null} when it already ended
   */
  public InFlightCall execute(Request request, ResponseSink sink) {
    FunConfig function;
    try {
      function = registry.lookup(request.service(), request.requestType(), request.version());
    } catch (GenApiException e) {
      sink.send(Response.error(request.requestId(), e, detailErrors), true);
      return null;
    }
    Invocation invocation = new Invocation(this, request, function, hooks.wrapAfter(function, request, sink),
      vertx.getOrCreateContext());
    invocation.start();
    return invocation;
  }

  Vertx vertx() {
    return vertx;
  }

  ReplyRouter replies() {
    return replies;
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
  }

  void release(FunConfig function) {
    inFlight.get(function.key()).decrementAndGet();
  }
}
