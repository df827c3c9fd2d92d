package dev.genapi.dispatch;

import dev.genapi.api.FunConfig;
import dev.genapi.protocol.Request;
import dev.genapi.protocol.Response;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.genapi.dispatch.StageCalls.found;
import static dev.genapi.dispatch.StageCalls.function;
import static dev.genapi.dispatch.StageCalls.request;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The after-hook stage")
class AfterHookSinkTest {

  private final List<Request> seen = new ArrayList<>();
  private final AfterHookSink stage = new AfterHookSink(new Hooks().after("stamp", (request, function, response) -> {
    seen.add(request);
    return Future.succeededFuture(Response.ok(response.requestId(), "stamped"));
  }));

  @Test
  @DisplayName("passes the last frame through the hook with the call as sent, and chunks untouched")
  void lastFrame() {
    List<Response> frames = new ArrayList<>();
    Call call = found(function("hooked", ",\"after_hook\":\"stamp\""), request("hooked", null, new JsonObject()),
      frames);
    assertThat(stage.apply(call)).isSameAs(Stage.NEXT);
    call.request(call.sent().withArgs(new JsonObject().put("rewritten", true)));
    call.sink().send(Response.chunk("r1", 1), false);
    call.sink().send(Response.ok("r1", 2), true);
    assertThat(frames).extracting(Response::result).containsExactly(1, "stamped");
    assertThat(seen).containsExactly(call.sent());
  }

  @Test
  @DisplayName("leaves the sink as it is for a function without an after hook")
  void noHook() {
    FunConfig plain = function("plain", "");
    Call call = found(plain, request("plain", null, new JsonObject()));
    ResponseSink sink = call.sink();
    stage.apply(call);
    assertThat(call.sink()).isSameAs(sink);
  }
}
