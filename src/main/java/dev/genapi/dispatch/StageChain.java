package dev.genapi.dispatch;

import dev.genapi.api.GenApiException;
import dev.genapi.protocol.Request;
import io.vertx.core.Future;

import java.util.List;

/**
 * Stages in the order a call passes them, composed once. The chain runs the stages one after the other on the call's
 * context without a future of its own while they decide at once; at a stage that waits it goes on when that stage's
 * future completes (back on the call's context, unless the call ended meanwhile). A call that passes every stage is
 * invoked; one a stage refuses ends with that stage's error.
 */
final class StageChain {

  private final Stage[] stages;

  StageChain(List<Stage> stages) {
    this.stages = stages.toArray(Stage[]::new);
  }

  /** Runs the call's stages from the first, then invokes it. Must be called on the call's context. */
  void run(Invocation invocation) {
    run(invocation, 0);
  }

  private void run(Invocation invocation, int from) {
    Call call = invocation.call();
    for (int i = from; i < stages.length; i++) {
      Future<Request> waited;
      try {
        waited = stages[i].apply(call);
      } catch (GenApiException e) {
        invocation.fail(e);
        return;
      }
      if (waited != Stage.NEXT) {
        int next = i + 1;
        waited.onComplete(result -> invocation.resume(() -> {
          if (result.failed()) {
            invocation.fail(result.cause() instanceof GenApiException e ? e
              : GenApiException.internal(result.cause().getMessage()));
            return;
          }
          if (result.result() != null) {
            call.request(result.result());
          }
          run(invocation, next);
        }));
        return;
      }
    }
    invocation.invoke();
  }
}
