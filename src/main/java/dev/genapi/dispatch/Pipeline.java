package dev.genapi.dispatch;

import dev.genapi.api.FunConfig;
import dev.genapi.api.GenApiException;
import dev.genapi.config.FunctionRegistry;
import dev.genapi.protocol.Request;
import dev.genapi.protocol.Response;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * The call pipeline every transport shares, built once per gateway JVM: look the function up in the local index,
 * choose a live node, and invoke it over the event bus. Nothing here waits on Hazelcast.
 */
public final class Pipeline {

  private final Vertx vertx;
  private final FunctionRegistry registry;
  private final NodeRegistry nodes;
  private final NodeSelector selector;
  private final ReplyRouter replies;
  private final boolean detailErrors;

  /**
   * @param vertx the gateway's clustered Vert.x
   * @param registry the local function index
   * @param nodes the live nodes
   * @param replies this gateway's reply address
   * @param localMember this JVM's Hazelcast member UUID (for {@code "nodes":"local"})
   * @param detailErrors whether {@code INTERNAL} errors show their reason
   */
  public Pipeline(Vertx vertx, FunctionRegistry registry, NodeRegistry nodes, ReplyRouter replies,
                  String localMember, boolean detailErrors) {
    this.vertx = vertx;
    this.registry = registry;
    this.nodes = nodes;
    this.selector = new NodeSelector(nodes, localMember);
    this.replies = replies;
    this.detailErrors = detailErrors;
  }

  /**
   * Runs one call. Must be called on the connection's context; every frame is sent to the sink on that context.
   *
   * @param request the decoded call
   * @param sink the connection
   * @return the call while it may still send frames, or {@code null} when it already ended
   */
  public InFlightCall execute(Request request, ResponseSink sink) {
    try {
      FunConfig function = registry.lookup(request.service(), request.requestType(), request.version());
      String node = selector.select(function);
      Context context = vertx.getOrCreateContext();
      Invocation invocation = new Invocation(this, request, function, node, sink, context);
      invocation.start();
      return invocation;
    } catch (GenApiException e) {
      sink.send(Response.error(request.requestId(), e, detailErrors), true);
      return null;
    }
  }

  Vertx vertx() {
    return vertx;
  }

  ReplyRouter replies() {
    return replies;
  }

  boolean detailErrors() {
    return detailErrors;
  }

  /** A call could not be written to its node: the node is gone (or not consuming yet), so forget it for now. */
  GenApiException unreachable(FunConfig function, String node) {
    nodes.markUnreachable(node);
    return GenApiException.unavailable(function.service());
  }
}
