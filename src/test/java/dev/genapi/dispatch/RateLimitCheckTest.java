package dev.genapi.dispatch;

import dev.genapi.api.ErrorCode;
import dev.genapi.api.GenApiException;
import dev.genapi.metrics.GenApiMetrics;
import dev.genapi.ratelimit.RateLimitOptions;
import dev.genapi.ratelimit.RateLimiter;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static dev.genapi.dispatch.StageCalls.found;
import static dev.genapi.dispatch.StageCalls.function;
import static dev.genapi.dispatch.StageCalls.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

@DisplayName("The rate-limit stage")
class RateLimitCheckTest {

  private final RateLimitCheck stage = new RateLimitCheck(new RateLimiter(new RateLimitOptions(new JsonObject(
    "{\"global_limits\":[{\"key\":\"user_id\",\"max_requests\":1,\"window_ms\":60000}]}")), new GenApiMetrics()));

  private Call call(String user) {
    return found(function("limited", ""), request("limited", user, new JsonObject()));
  }

  @Test
  @DisplayName("counts each call of a caller; past the limit the call ends with RATE_LIMITED and a retry time")
  void limits() {
    assertThat(stage.apply(call("u1"))).isSameAs(Stage.NEXT);
    GenApiException e = catchThrowableOfType(GenApiException.class, () -> stage.apply(call("u1")));
    assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED);
    assertThat(e.retryAfterMs()).isPositive();
    assertThat(stage.apply(call("u2"))).as("another caller has a window of its own").isSameAs(Stage.NEXT);
  }
}
