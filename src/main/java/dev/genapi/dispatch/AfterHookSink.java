package dev.genapi.dispatch;

import dev.genapi.protocol.Request;
import io.vertx.core.Future;

/**
 * Routes the call's final frame through the function's {@code after_hook}, if it has one. It comes right after the
 * lookup, so the hook sees every answer from there on: the before hook's rejection and every denial included.
 */
final class AfterHookSink implements Stage {

  private final Hooks hooks;

  AfterHookSink(Hooks hooks) {
    this.hooks = hooks;
  }

  @Override
  public Future<Request> apply(Call call) {
    call.sink(hooks.wrapAfter(call.function(), call.sent(), call.sink()));
    return NEXT;
  }
}
