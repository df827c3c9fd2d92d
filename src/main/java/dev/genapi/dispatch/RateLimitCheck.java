package dev.genapi.dispatch;

import dev.genapi.protocol.Request;
import dev.genapi.ratelimit.RateLimiter;
import io.vertx.core.Future;

/** Counts the call against the rate limits; one that is exhausted ends the call with {@code RATE_LIMITED}. */
final class RateLimitCheck implements Stage {

  private final RateLimiter rateLimiter;

  RateLimitCheck(RateLimiter rateLimiter) {
    this.rateLimiter = rateLimiter;
  }

  @Override
  public Future<Request> apply(Call call) {
    rateLimiter.check(call.request());
    return NEXT;
  }
}
