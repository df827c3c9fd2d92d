package dev.genapi.dispatch;

import dev.genapi.protocol.Request;
import io.vertx.core.Future;

/**
 * Orders the live nodes that serve the function for this call ({@link NodeSelector}): the chosen node first, then the
 * fallbacks. No live node ends the call with {@code UNAVAILABLE}.
 */
final class NodeSelection implements Stage {

  private final NodeSelector selector;

  NodeSelection(NodeSelector selector) {
    this.selector = selector;
  }

  @Override
  public Future<Request> apply(Call call) {
    call.order(selector.order(call.function(), call.request()));
    return NEXT;
  }

  @Override
  public boolean forGatewayCalls() {
    return true;
  }
}
