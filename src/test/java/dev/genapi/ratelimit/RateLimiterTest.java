package dev.genapi.ratelimit;

import dev.genapi.api.ErrorCode;
import dev.genapi.api.GenApiException;
import dev.genapi.api.InvalidConfigException;
import dev.genapi.metrics.GenApiMetrics;
import dev.genapi.protocol.Request;
import dev.genapi.testing.LogCapture;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.groups.Tuple.tuple;

@DisplayName("The rate limiter")
class RateLimiterTest {

  private static RateLimiter limiter(String json) {
    return new RateLimiter(new RateLimitOptions(new JsonObject(json)), new GenApiMetrics());
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
      "{\"enabled\":\"yes\",\"max_keys\":0,\"global_limits\":[{\"key\":\"\",\"max_requests\":0,\"window_ms\":-5}],"
        + "\"api_limits\":[{\"key\":\"user_id\",\"max_requests\":1,\"window_ms\":1000}]}")));
    assertThat(e.reasons()).containsExactly(
      "enabled must be a boolean",
      "max_keys must be an integer between 1 and 10000000",
      "global_limits[0]: key must be a non-empty string",
      "global_limits[0]: max_requests must be an integer between 1 and 100000",
      "global_limits[0]: window_ms must be a positive integer",
      "api_limits[0]: service must be a non-empty string",
      "api_limits[0]: request_type must be a non-empty string");
  }

  private static final String CAPPED = "{\"cluster\":false,\"max_keys\":2,"
    + "\"global_limits\":[{\"key\":\"user_id\",\"max_requests\":3,\"window_ms\":60000}]}";

  private static Request user(String user) {
    return request("s", "t", user, null, new JsonObject());
  }

  private static int admittedUsers(RateLimiter limiter, String prefix, int users) {
    int admitted = 0;
    for (int i = 0; i < users; i++) {
      admitted += admitted(limiter, user(prefix + i), 1);
    }
    return admitted;
  }

  @Test
  @DisplayName("past max_keys, every further key shares one bucket of the same limit; tracked keys keep their own")
  void overflowBucket() {
    RateLimiter limiter = limiter(CAPPED);
    assertThat(limiter.options().getMaxKeys()).isEqualTo(2);
    assertThat(admitted(limiter, user("alice"), 5)).isEqualTo(3);
    assertThat(admitted(limiter, user("bob"), 5)).isEqualTo(3);
    assertThat(admittedUsers(limiter, "flood-", 1000)).as("1000 distinct keys past the cap").isEqualTo(3);
    assertThat(admitted(limiter, user("carol"), 5)).as("a new key past the cap is in the full bucket").isZero();
    assertThat(admitted(limiter, user("alice"), 5)).as("alice's own window is still full").isZero();
    assertThat(new RateLimitOptions().getMaxKeys()).isEqualTo(RateLimitOptions.DEFAULT_MAX_KEYS).isEqualTo(100_000);
  }

  @Test
  @DisplayName("admissions a peer reports for keys past the cap count in the overflow bucket, and travel as such")
  void peerMergesRespectTheCap() {
    RateLimiter here = limiter(CAPPED);
    String id = here.options().getGlobalLimits().get(0).id();
    long now = System.currentTimeMillis();
    JsonObject keys = new JsonObject().put("p1", new JsonArray().add(now)).put("p2", new JsonArray().add(now))
      .put("p3", new JsonArray().add(now).add(now)).put("p4", new JsonArray().add(now));
    here.merge(new JsonObject().put(id, keys), now, "peer", false);
    assertThat(admittedUsers(here, "local-", 10)).as("two of the peer's keys filled the cap, two filled the bucket")
      .isZero();
    assertThat(admitted(here, user("p1"), 5)).as("a tracked key keeps its own window").isEqualTo(2);

    RateLimiter flooded = limiter(CAPPED);
    admittedUsers(flooded, "user-", 4);
    JsonObject round = flooded.exchange(System.currentTimeMillis(), Map.of());
    assertThat(round.getJsonObject(id).getJsonArray(LimitWindows.OVERFLOW_KEY)).hasSize(2);
    RateLimiter peer = limiter(CAPPED);
    peer.merge(round, System.currentTimeMillis(), "flooded", false);
    assertThat(admittedUsers(peer, "other-", 3)).as("the peer's 2 keys fill the cap, its bucket holds 2 of 3")
      .isEqualTo(1);
    assertThat(admittedUsers(peer, "more-", 3)).isZero();
  }

  private static LimitedKey key(String scope, String key, String value) {
    return LimitedKey.of(scope, key, value);
  }

  @Test
  @DisplayName("a key's state: count, remaining and reset_ms under each limit of its scope and key, without tracking it")
  void keyState() {
    RateLimiter limiter = limiter("{\"global_limits\":[{\"key\":\"user_id\",\"max_requests\":3,\"window_ms\":60000},"
      + "{\"key\":\"user_id\",\"max_requests\":50,\"window_ms\":3600000},{\"key\":\"device_id\",\"max_requests\":9,"
      + "\"window_ms\":1000}],\"api_limits\":[{\"service\":\"s\",\"request_type\":\"t\",\"key\":\"user_id\","
      + "\"max_requests\":2,\"window_ms\":1000}]}");
    admitted(limiter, request("s", "t", "alice", null, new JsonObject()), 5);

    List<KeyState> global = limiter.keyState(key("global", "user_id", "alice"));
    assertThat(global).extracting(KeyState::count, KeyState::remaining).containsExactly(tuple(3, 0), tuple(3, 47));
    assertThat(global.get(0).resetMs()).isBetween(59_000L, 60_000L);
    assertThat(global.get(0).toJson().getInteger("max_requests")).isEqualTo(3);
    List<KeyState> api = limiter.keyState(key("s/t", "user_id", "alice"));
    assertThat(api).singleElement().satisfies(state -> {
      assertThat(state.count()).as("the API limit refused the third call").isEqualTo(2);
      assertThat(state.remaining()).isZero();
      assertThat(state.resetMs()).isBetween(1L, 1000L);
    });
    KeyState unused = limiter.keyState(key("global", "user_id", "bob")).get(0);
    assertThat(List.of(unused.count(), unused.remaining(), (int) unused.resetMs())).containsExactly(0, 3, 0);
    assertThat(limiter.keyState(key("global", "ip_address", "alice"))).as("no limit has that key").isEmpty();
    assertThat(limiter.keyState(key("s/u", "user_id", "alice"))).as("no limit has that scope").isEmpty();
  }

  @Test
  @DisplayName("a reset forgets a key's own and merged admissions, and ignores admissions from before it reported later")
  void reset() {
    RateLimiter limiter = limiter("{\"global_limits\":[{\"key\":\"user_id\",\"max_requests\":3,\"window_ms\":60000}]}");
    String id = limiter.options().getGlobalLimits().get(0).id();
    Request alice = user("alice");
    long before = System.currentTimeMillis();
    admitted(limiter, alice, 2);
    limiter.merge(new JsonObject().put(id, new JsonObject().put("alice", new JsonArray().add(before))), before,
      "peer", false);
    assertThat(admitted(limiter, alice, 3)).isZero();
    admitted(limiter, user("bob"), 3);

    limiter.reset(key("global", "user_id", "alice"), System.currentTimeMillis());
    assertThat(limiter.keyState(key("global", "user_id", "alice")).get(0).count()).isZero();
    long now = System.currentTimeMillis();
    limiter.merge(new JsonObject().put(id, new JsonObject().put("alice", new JsonArray().add(before).add(before))),
      now, "late-peer", false);
    assertThat(limiter.keyState(key("global", "user_id", "alice")).get(0).count())
      .as("admissions made before the reset and reported after it").isZero();
    limiter.merge(new JsonObject().put(id, new JsonObject().put("alice", new JsonArray().add(now + 1))), now + 1,
      "peer", false);
    assertThat(admitted(limiter, alice, 5)).as("one admission after the reset counts").isEqualTo(2);
    assertThat(admitted(limiter, user("bob"), 1)).as("other keys keep their counts").isZero();
  }

  @Test
  @DisplayName("a key past max_keys shows the shared overflow window, and its reset leaves that window alone")
  void overflowState() {
    RateLimiter limiter = limiter(CAPPED);
    limiter.keyState(key("global", "user_id", "x"));
    limiter.keyState(key("global", "user_id", "y"));
    assertThat(admitted(limiter, user("alice"), 5)).as("reading keys' states tracked none of them").isEqualTo(3);
    assertThat(admitted(limiter, user("bob"), 5)).isEqualTo(3);
    admittedUsers(limiter, "user-", 5);
    KeyState state = limiter.keyState(key("global", "user_id", "new-user")).get(0);
    assertThat(state.overflow()).isTrue();
    assertThat(state.count()).isEqualTo(3);
    limiter.reset(key("global", "user_id", "new-user"), System.currentTimeMillis());
    assertThat(admitted(limiter, user("new-user"), 1)).isZero();
    assertThat(limiter.keyState(key("global", "user_id", "alice")).get(0).overflow()).isFalse();
  }

  @Test
  @DisplayName("rejections are counted by scope and logged once per key and window, one WARN line without a stack trace")
  void rejectionsMeteredAndLogged() throws InterruptedException {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    Metrics.addRegistry(meters);
    LogCapture log = LogCapture.install();
    try {
      RateLimiter limiter = limiter("{\"global_limits\":[{\"key\":\"user_id\",\"max_requests\":1,\"window_ms\":300}],"
        + "\"api_limits\":[{\"service\":\"metered\",\"request_type\":\"t\",\"key\":\"device_id\","
        + "\"max_requests\":1,\"window_ms\":60000}]}");
      assertThat(admitted(limiter, request("metered", "t", "alice", null, new JsonObject()), 5)).isEqualTo(1);
      assertThat(admitted(limiter, request("metered", "t", "bob\nFAKE LINE", null, new JsonObject()), 2)).isEqualTo(1);
      Thread.sleep(350);
      assertThat(admitted(limiter, request("metered", "t", "alice", null, new JsonObject()), 3)).isEqualTo(1);
      Request device = new Request("r", "metered", "t", null, new JsonObject(), null, "phone", List.of(), null, null);
      assertThat(admitted(limiter, device, 4)).isEqualTo(1);

      assertThat(meters.find("genapi.ratelimit.rejections").tag("scope", "global").counter().count()).isEqualTo(7);
      assertThat(meters.find("genapi.ratelimit.rejections").tag("scope", "metered/t").counter().count()).isEqualTo(3);
      assertThat(meters.find("genapi.ratelimit.checks").counter().count()).isEqualTo(14);
      List<String> lines = log.events().stream().filter(e -> e.getLoggerName().equals(RateLimiter.class.getName()))
        .map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
      assertThat(lines).containsExactly(
        "WARN Rate limit exceeded: scope global, user_id \"alice\" (limit 1 per 300 ms); not logged again for this key"
          + " for 300 ms",
        "WARN Rate limit exceeded: scope global, user_id \"bob\\nFAKE LINE\" (limit 1 per 300 ms); not logged again for"
          + " this key for 300 ms",
        "WARN Rate limit exceeded: scope global, user_id \"alice\" (limit 1 per 300 ms); not logged again for this key"
          + " for 300 ms",
        "WARN Rate limit exceeded: scope metered/t, device_id \"phone\" (limit 1 per 60000 ms); not logged again for"
          + " this key for 60000 ms");
    } finally {
      log.closeAndAssertNoStackTraces();
      Metrics.removeRegistry(meters);
    }
  }

  @Test
  @DisplayName("a failure inside the limiter admits the call with fail_open (the default); without, the call is "
    + "refused RATE_LIMITED \"Rate limit service unavailable\"")
  void failOpen() {
    String limits = "\"cluster\":true,\"global_limits\":[{\"key\":\"user_id\",\"max_requests\":4,\"window_ms\":60000}]";
    Request call = request("s", "t", "alice", null, new JsonObject());
    for (boolean open : List.of(true, false)) {
      RateLimiter limiter = limiter("{\"fail_open\":" + open + "," + limits + "}");
      limiter.exchange(System.currentTimeMillis(), Map.of("peer", System.currentTimeMillis())); // 2 gateways share it
      limiter.publisher((id, key, admissions) -> {
        throw new IllegalStateException("event bus closed");
      });
      limiter.check(call); // 1 of 4 across 2 gateways: not hot yet, nothing published
      if (open) {
        limiter.check(call); // hot: the publish fails, the call is admitted
      } else {
        GenApiException refused = catchThrowableOfType(() -> limiter.check(call), GenApiException.class);
        assertThat(refused.code()).isEqualTo(ErrorCode.RATE_LIMITED);
        assertThat(refused.getMessage()).isEqualTo("Rate limit service unavailable");
      }
    }
  }
}
