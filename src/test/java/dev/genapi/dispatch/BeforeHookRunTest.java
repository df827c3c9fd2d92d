package dev.genapi.dispatch;

import dev.genapi.api.ErrorCode;
import dev.genapi.api.GenApiException;
import dev.genapi.protocol.Request;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static dev.genapi.dispatch.StageCalls.found;
import static dev.genapi.dispatch.StageCalls.function;
import static dev.genapi.dispatch.StageCalls.request;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The before-hook stage")
class BeforeHookRunTest {

  private final BeforeHookRun stage = new BeforeHookRun(new Hooks()
    .before("rewrite", (request, function) -> Future.succeededFuture(request.withArgs(new JsonObject().put("n", 2))))
    .before("refuse", (request, function) -> Future.failedFuture(new IllegalStateException("closed"))));

  private Future<Request> run(String hook) {
    return stage.apply(found(function("f", ",\"before_hook\":\"" + hook + "\""),
      request("f", null, new JsonObject().put("n", 1))));
  }

  @Test
  @DisplayName("a function without a before hook goes on at once")
  void noHook() {
    assertThat(stage.apply(found(function("f", ""), request("f", null, new JsonObject())))).isSameAs(Stage.NEXT);
  }

  @Test
  @DisplayName("the call goes on with the request the hook answers")
  void rewrites() {
    assertThat(run("rewrite").result().args()).isEqualTo(new JsonObject().put("n", 2));
  }

  @Test
  @DisplayName("a hook that fails rejects the call with INTERNAL, its reason in the message")
  void refuses() {
    GenApiException e = (GenApiException) run("refuse").cause();
    assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
    assertThat(e.getMessage()).isEqualTo("hook rejected: closed");
  }

  @Test
  @DisplayName("a hook that is not registered rejects the call with INTERNAL")
  void unknownHook() {
    GenApiException e = (GenApiException) run("missing").cause();
    assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
    assertThat(e.getMessage()).isEqualTo("hook missing is not registered");
  }
}
