package dev.genapi.dispatch;

import dev.genapi.api.ErrorCode;
import dev.genapi.api.FunConfig;
import dev.genapi.api.GenApiException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static dev.genapi.dispatch.StageCalls.found;
import static dev.genapi.dispatch.StageCalls.function;
import static dev.genapi.dispatch.StageCalls.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

@DisplayName("The arguments stage")
class ArgumentCheckTest {

  private final ArgumentCheck stage = new ArgumentCheck();
  private final FunConfig greet = function("greet",
    ",\"arg_types\":{\"name\":\"string\",\"times\":{\"type\":\"num\",\"default\":1}}");

  @Test
  @DisplayName("valid args as sent: the node gets the client's own bytes")
  void asSent() {
    Call call = found(greet, request("greet", null, new JsonObject().put("name", "a").put("times", 2)));
    assertThat(stage.apply(call)).isSameAs(Stage.NEXT);
    assertThat(call.body()).isSameAs(call.sent().raw());
  }

  @Test
  @DisplayName("a default filled in: the node gets the request_id and the args with the default")
  void defaulted() {
    Call call = found(greet, request("greet", null, new JsonObject().put("name", "a")));
    stage.apply(call);
    assertThat(call.body().toJsonObject()).isEqualTo(new JsonObject().put("request_id", "r1")
      .put("args", new JsonObject().put("name", "a").put("times", 1)));
  }

  @Test
  @DisplayName("args a before hook rewrote: the node gets the rewritten args")
  void rewritten() {
    Call call = found(greet, request("greet", null, new JsonObject().put("name", "a").put("times", 2)));
    call.request(call.sent().withArgs(new JsonObject().put("name", "b").put("times", 3)));
    stage.apply(call);
    assertThat(call.body().toJsonObject().getJsonObject("args")).isEqualTo(new JsonObject().put("name", "b")
      .put("times", 3));
  }

  @Test
  @DisplayName("a wrong arg ends the call with INVALID_ARGUMENT and the precise message")
  void invalid() {
    Call call = found(greet, request("greet", null, new JsonObject()));
    GenApiException e = catchThrowableOfType(GenApiException.class, () -> stage.apply(call));
    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
    assertThat(e.getMessage()).isEqualTo("missing or nil argument \"name\" in \"greet\"");
  }
}
