package dev.genapi.dispatch;

import dev.genapi.api.ErrorCode;
import dev.genapi.api.FunConfig;
import dev.genapi.api.GenApiException;
import dev.genapi.config.TestRegistry;
import dev.genapi.metrics.GenApiMetrics;
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

/**
 * The stage alone: the gateway's own call to the callback is answered here at once. {@code
 * PermissionCallbackClusterTest} runs the callback on a node.
 */
@DisplayName("The permission-callback stage")
class PermissionCallbackTest {

  private static final String GUARD = ",\"permission_callback\":{\"service\":\"svc\",\"request_type\":\"may\","
    + "\"version\":\"0.0.0\"}";

  private final FunConfig may = function("may", "");
  private final List<Request> asked = new ArrayList<>();
  private Object answer = true;
  private final PermissionCallback stage = new PermissionCallback(TestRegistry.of(may), new GenApiMetrics(),
    (request, function, sink) -> {
      asked.add(request);
      sink.send(Response.ok(request.requestId(), answer), true);
    });

  private Future<Request> check(String fields, String user) {
    return stage.apply(found(function("guarded", fields), request("guarded", user, new JsonObject().put("n", 1))));
  }

  @Test
  @DisplayName("a function without a callback goes on at once, asking nobody")
  void noCallback() {
    assertThat(check("", "u1")).isSameAs(Stage.NEXT);
    assertThat(asked).isEmpty();
  }

  @Test
  @DisplayName("asks the callback with the caller and the call as args; true lets the call through")
  void allows() {
    assertThat(check(GUARD, "u1").succeeded()).isTrue();
    JsonObject args = asked.get(0).args();
    assertThat(asked.get(0).requestType()).isEqualTo("may");
    assertThat(args.getString("user_id")).isEqualTo("u1");
    assertThat(args.getString("request_type")).isEqualTo("guarded");
    assertThat(args.getJsonObject("args")).isEqualTo(new JsonObject().put("n", 1));
  }

  @Test
  @DisplayName("false, or an answer that is not a boolean, denies with PERMISSION_DENIED")
  void denies() {
    answer = false;
    assertThat(((GenApiException) check(GUARD, "u1").cause()).code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
    answer = "yes";
    assertThat(((GenApiException) check(GUARD, "u1").cause()).code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
  }

  @Test
  @DisplayName("with permission_cache_ms the answer is kept per caller: the next call goes on without asking")
  void keeps() {
    String cached = GUARD + ",\"permission_cache_ms\":60000";
    check(cached, "u1");
    assertThat(check(cached, "u1")).isSameAs(Stage.NEXT);
    check(cached, "u2");
    assertThat(asked).extracting(request -> request.args().getString("user_id")).containsExactly("u1", "u2");
  }

  @Test
  @DisplayName("a callback that is not registered denies, asking nobody")
  void unregistered() {
    Future<Request> checked = check(GUARD.replace("\"may\"", "\"gone\""), "u1");
    assertThat(((GenApiException) checked.cause()).code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
    assertThat(asked).isEmpty();
  }
}
