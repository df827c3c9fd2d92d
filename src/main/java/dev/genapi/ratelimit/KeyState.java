package dev.genapi.ratelimit;

import io.vertx.core.json.JsonObject;

/**
 * One key's state under one limit, as a gateway knows it: its own admissions and those the other gateways reported
 * (at most {@code sync_interval_ms} late).
 *
 * @param limit the limit
 * @param count the calls counted in the current window
 * @param remaining the calls the limit still admits in it
 * @param resetMs milliseconds until the oldest counted call leaves the window, freeing one call; 0 when none is counted
 * @param overflow whether the key is not tracked on its own but in the window that every key past {@code max_keys}
 *   shares (then the counts are that shared window's)
 */
public record KeyState(RateLimit limit, int count, int remaining, long resetMs, boolean overflow) {

  /** @return the limit's JSON form with {@code count}, {@code remaining}, {@code reset_ms} and {@code overflow} */
  public JsonObject toJson() {
    return limit.toJson().put("count", count).put("remaining", remaining).put("reset_ms", resetMs)
      .put("overflow", overflow);
  }
}
