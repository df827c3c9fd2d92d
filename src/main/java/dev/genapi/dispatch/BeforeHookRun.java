package dev.genapi.dispatch;

import dev.genapi.protocol.Request;
import io.vertx.core.Future;

/**
 * Runs the function's {@code before_hook}, if it has one, bounded by its {@code hook_timeout}: the call goes on with
 * the request the hook answers, or ends with its rejection.
 */
final class BeforeHookRun implements Stage {

  private final Hooks hooks;

  BeforeHookRun(Hooks hooks) {
    this.hooks = hooks;
  }

  @Override
  public Future<Request> apply(Call call) {
    return call.function().beforeHook() == null ? NEXT : hooks.runBefore(call.function(), call.request());
  }
}
