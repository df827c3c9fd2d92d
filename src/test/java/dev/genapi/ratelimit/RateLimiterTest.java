package dev.genapi.ratelimit;

import dev.genapi.api.ErrorCode;
import dev.genapi.api.GenApiException;
import dev.genapi.api.InvalidConfigException;
import dev.genapi.protocol.Request;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

@DisplayName("The rate limiter")
class RateLimiterTest {

  private static RateLimiter limiter(String json) {
    return new RateLimiter(new RateLimitOptions(new JsonObject(json)));
  }

  private static Request request(String service, String type, String user, String ip, JsonObject args) {
    return new Request("r", service, type, null, args, user, null, List.of(), null, ip);
  }

  private static int admitted(RateLimiter limiter, Request request, int calls) {
    int admitted = 0;
    for (int i = 0; i < calls; i++) {
      try {
        limiter.check(request);
        admitted++;
      } catch (GenApiException e) {
        assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED);
        assertThat(e.getMessage()).matches("Rate limit exceeded\\. Please retry after \\d+ seconds\\.");
        assertThat(e.retryAfterMs()).isPositive();
      }
    }
    return admitted;
  }

  @Test
  @DisplayName("limits each key value separately; a call without the key is not limited")
  void perKey() {
    RateLimiter limiter = limiter("{\"global_limits\":[{\"key\":\"user_id\",\"max_requests\":3,\"window_ms\":60000}]}");
    assertThat(admitted(limiter, request("s", "t", "alice", null, new JsonObject()), 10)).isEqualTo(3);
    assertThat(admitted(limiter, request("s", "t", "bob", null, new JsonObject()), 10)).isEqualTo(3);
    assertThat(admitted(limiter, request("s", "t", null, null, new JsonObject()), 10)).isEqualTo(10);
    assertThat(admitted(limiter, request("s", "t", "", null, new JsonObject()), 10)).isEqualTo(10);
  }

  @Test
  @DisplayName("ip_address and arg keys work; API limits apply to their function only, after the global ones")
  void keysAndScopes() {
    RateLimiter limiter = limiter("{\"global_limits\":[{\"key\":\"ip_address\",\"max_requests\":6,\"window_ms\":60000}],"
      + "\"api_limits\":[{\"service\":\"s\",\"request_type\":\"t\",\"key\":\"order\",\"max_requests\":2,\"window_ms\":60000}]}");
    Request limited = request("s", "t", null, "10.0.0.1", new JsonObject().put("order", 42));
    assertThat(admitted(limiter, limited, 5)).isEqualTo(2);
    Request other = request("s", "u", null, "10.0.0.1", new JsonObject().put("order", 42));
    assertThat(admitted(limiter, other, 5)).as("the ip limit counted the rejected API calls too").isEqualTo(1);
    assertThat(admitted(limiter, request("s", "u", null, "10.0.0.2", new JsonObject()), 3)).isEqualTo(3);
  }

  @Test
  @DisplayName("new limits apply at once and keep the counts of limits that did not change")
  void update() {
    String limit = "{\"key\":\"user_id\",\"max_requests\":2,\"window_ms\":60000}";
    RateLimiter limiter = limiter("{\"global_limits\":[" + limit + "]}");
    Request call = request("s", "t", "alice", null, new JsonObject());
    assertThat(admitted(limiter, call, 1)).isEqualTo(1);
    limiter.update(new RateLimitOptions(new JsonObject("{\"global_limits\":[" + limit + "],\"api_limits\":[]}")));
    assertThat(admitted(limiter, call, 5)).isEqualTo(1);
    limiter.update(new RateLimitOptions(new JsonObject("{\"enabled\":false," + "\"global_limits\":[" + limit + "]}")));
    assertThat(admitted(limiter, call, 5)).isEqualTo(5);
  }

  @Test
  @DisplayName("invalid limits are refused with every reason")
  void validation() {
    InvalidConfigException e = catchThrowableOfType(InvalidConfigException.class, () -> new RateLimitOptions(new JsonObject(
      "{\"enabled\":\"yes\",\"global_limits\":[{\"key\":\"\",\"max_requests\":0,\"window_ms\":-5}],"
        + "\"api_limits\":[{\"key\":\"user_id\",\"max_requests\":1,\"window_ms\":1000}]}")));
    assertThat(e.reasons()).containsExactly(
      "enabled must be a boolean",
      "global_limits[0]: key must be a non-empty string",
      "global_limits[0]: max_requests must be an integer between 1 and 100000",
      "global_limits[0]: window_ms must be a positive integer",
      "api_limits[0]: service must be a non-empty string",
      "api_limits[0]: request_type must be a non-empty string");
  }
}
