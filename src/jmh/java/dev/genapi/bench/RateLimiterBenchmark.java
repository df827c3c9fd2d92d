package dev.genapi.bench;

import dev.genapi.api.GenApiException;
import dev.genapi.metrics.GenApiMetrics;
import dev.genapi.protocol.Request;
import dev.genapi.ratelimit.RateLimitOptions;
import dev.genapi.ratelimit.RateLimiter;
import io.vertx.core.json.JsonObject;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One local rate-limit check: a global {@code user_id} limit over 10,000 users, taken in turn, either far from the
 * limit (admitted) or past it (rejected, which builds the stackless {@code RATE_LIMITED} failure).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RateLimiterBenchmark {

  private static final int USERS = 10_000;

  private RateLimiter admitting;
  private RateLimiter rejecting;
  private Request[] requests;
  private int next;

  @Setup
  public void setUp() {
    admitting = limiter(100, 1);
    rejecting = limiter(1, 3_600_000);
    requests = new Request[USERS];
    for (int i = 0; i < USERS; i++) {
      requests[i] = new Request("r", "demo", "echo", null, new JsonObject(), "user-" + i, null, List.of(), null, null);
      try {
        rejecting.check(requests[i]);
      } catch (GenApiException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private static RateLimiter limiter(int max, long windowMs) {
    return new RateLimiter(new RateLimitOptions(new JsonObject().put("cluster", false).put("global_limits",
      new io.vertx.core.json.JsonArray().add(new JsonObject().put("key", "user_id").put("max_requests", max)
        .put("window_ms", windowMs)))), new GenApiMetrics());
  }

  private Request nextRequest() {
    next = next == USERS - 1 ? 0 : next + 1;
    return requests[next];
  }

  @Benchmark
  public Object admitted() {
    Request request = nextRequest();
    admitting.check(request);
    return request;
  }

  @Benchmark
  public Object rejected() {
    try {
      rejecting.check(nextRequest());
      return null;
    } catch (GenApiException e) {
      return e;
    }
  }
}
