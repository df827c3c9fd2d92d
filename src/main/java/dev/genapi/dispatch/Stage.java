package dev.genapi.dispatch;

import dev.genapi.protocol.Request;
import io.vertx.core.Future;

/**
 * One step a call passes before it is invoked on a node: a lookup, a check, or a choice it records on the
 * {@link Call}. {@link Pipeline} composes the stages once, in order, into the two {@link StageChain}s every call runs
 * through. A stage that decides at once (most do) changes the call in place or throws, and returns {@link #NEXT}; only
 * a stage that waits (a hook, a node's answer) returns another future. Stages are shared by every call and every
 * event loop: they keep no state of one call.
 */
interface Stage {

  /** What a stage returns when it is done with the call at once: the chain goes on without waiting. */
  Future<Request> NEXT = Future.succeededFuture();

  /**
   * Runs on the call's context.
   *
   * @param call the call, as the stages before this one left it
   * @return {@link #NEXT}, or a future the chain waits for: its request (when not {@code null}) replaces the call's,
   *   and a failure (a {@link dev.genapi.api.GenApiException}) ends the call
   * @throws dev.genapi.api.GenApiException to end the call with that error
   */
  Future<Request> apply(Call call);

  /**
   * @return whether the stage also runs for a call the gateway makes itself (a permission callback), whose caller is
   *   the gateway: the caller's hooks, permissions and rate limits are not its own
   */
  default boolean forGatewayCalls() {
    return false;
  }
}
