package dev.genapi.ratelimit;

import dev.genapi.api.InvalidConfigException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

@DisplayName("Rate-limit options, edited one limit at a time")
class RateLimitOptionsTest {

  private static final RateLimitOptions LIMITS = new RateLimitOptions(new JsonObject("{\"max_keys\":7,"
    + "\"global_limits\":[{\"key\":\"user_id\",\"max_requests\":10,\"window_ms\":1000},"
    + "{\"key\":\"user_id\",\"max_requests\":500,\"window_ms\":3600000}],"
    + "\"api_limits\":[{\"service\":\"demo\",\"request_type\":\"echo\",\"key\":\"user_id\",\"max_requests\":3,\"window_ms\":1000}]}"));

  private static RateLimit limit(String json) {
    return RateLimit.fromJson(new JsonObject(json));
  }

  @Test
  @DisplayName("adding appends to the limit's scope, and replaces in place the limit of the same scope, key and window")
  void withLimit() {
    RateLimitOptions added = LIMITS.withLimit(limit("{\"key\":\"device_id\",\"max_requests\":5,\"window_ms\":1000}"));
    assertThat(added.getGlobalLimits()).extracting(RateLimit::key).containsExactly("user_id", "user_id", "device_id");
    assertThat(added.getApiLimits()).isEqualTo(LIMITS.getApiLimits());
    assertThat(added.getMaxKeys()).as("the other settings stay").isEqualTo(7);

    RateLimitOptions replaced = LIMITS.withLimit(limit("{\"key\":\"user_id\",\"max_requests\":20,\"window_ms\":1000}"));
    assertThat(replaced.getGlobalLimits()).extracting(RateLimit::maxRequests).containsExactly(20, 500);
    RateLimitOptions api = LIMITS.withLimit(limit(
      "{\"service\":\"demo\",\"request_type\":\"echo\",\"key\":\"user_id\",\"max_requests\":9,\"window_ms\":1000}"));
    assertThat(api.getApiLimits()).singleElement().extracting(RateLimit::maxRequests).isEqualTo(9);
    assertThat(api.getGlobalLimits()).isEqualTo(LIMITS.getGlobalLimits());
  }

  @Test
  @DisplayName("removing takes the limits of one scope and key, or only the one of a window; none leaves them as they are")
  void withoutLimits() {
    LimitSelector everyWindow = LimitSelector.fromJson(new JsonObject("{\"key\":\"user_id\"}"));
    assertThat(LIMITS.withoutLimits(everyWindow).getGlobalLimits()).isEmpty();
    assertThat(LIMITS.withoutLimits(everyWindow).getApiLimits()).hasSize(1);
    LimitSelector oneWindow = LimitSelector.fromJson(new JsonObject("{\"key\":\"user_id\",\"window_ms\":3600000}"));
    assertThat(LIMITS.withoutLimits(oneWindow).getGlobalLimits()).extracting(RateLimit::windowMs).containsExactly(1000L);
    LimitSelector api = LimitSelector.fromJson(new JsonObject(
      "{\"service\":\"demo\",\"request_type\":\"echo\",\"key\":\"user_id\",\"max_requests\":1}"));
    assertThat(LIMITS.withoutLimits(api).getApiLimits()).isEmpty();
    assertThat(LIMITS.withoutLimits(LimitSelector.fromJson(new JsonObject("{\"key\":\"device_id\"}")))).isSameAs(LIMITS);
  }

  @Test
  @DisplayName("one limit, a selector and a key are read with every problem named")
  void reading() {
    assertThat(catchThrowableOfType(InvalidConfigException.class, () -> limit("{\"service\":\"demo\",\"max_requests\":0}"))
      .reasons()).containsExactly("limit: key must be a non-empty string", "limit: request_type must be a non-empty string",
        "limit: max_requests must be an integer between 1 and 100000", "limit: window_ms must be a positive integer");
    assertThat(catchThrowableOfType(InvalidConfigException.class, () -> LimitSelector.fromJson(
      new JsonObject("{\"request_type\":\"echo\",\"window_ms\":\"soon\"}"))).reasons())
      .containsExactly("service must be a non-empty string", "key must be a non-empty string",
        "window_ms must be a positive integer");
    assertThat(catchThrowableOfType(InvalidConfigException.class, () -> LimitedKey.of("banana", null, "")).reasons())
      .containsExactly("unknown scope \"banana\": expected \"global\" or \"<service>/<request_type>\"",
        "key is required: user_id, device_id, ip_address or the name of an arg",
        "value is required: the key's value, a string or a number (such as the user_id)");
    assertThat(catchThrowableOfType(InvalidConfigException.class, () -> LimitedKey.of("demo/", "user_id", "a"))
      .reasons()).singleElement().asString().startsWith("unknown scope \"demo/\"");
    LimitedKey key = LimitedKey.of("demo/get/user", "order", 42);
    assertThat(key.scope()).isEqualTo(new LimitScope("demo", "get/user"));
    assertThat(key.value()).isEqualTo("42");
    assertThat(LimitedKey.of("global", "user_id", "a").scope()).isSameAs(LimitScope.GLOBAL);
  }
}
