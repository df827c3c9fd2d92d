package dev.genapi.ratelimit;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The windows of one limit: one per key value up to {@code max_keys} keys, then a single overflow window that every
 * further key shares, with the limit's own {@code max_requests} and {@code window_ms}. Admissions a peer reports for a
 * key not tracked here land in the overflow window too once the keys are at the cap, and the overflow window's own
 * admissions travel between gateways under {@link #OVERFLOW_KEY}.
 */
final class LimitWindows {

  /** The key the overflow window's admissions travel under: no call has an empty key value, so none collides. */
  static final String OVERFLOW_KEY = "";

  private final RateLimit limit;
  private final Map<String, SlidingWindow> windows = new ConcurrentHashMap<>();
  private final SlidingWindow overflow;

  LimitWindows(RateLimit limit) {
    this.limit = limit;
    this.overflow = new SlidingWindow(limit.maxRequests(), limit.windowMs());
  }

  RateLimit limit() {
    return limit;
  }

  /**
   * @param value a key value, or {@link #OVERFLOW_KEY}
   * @param maxKeys the most keys tracked on their own (callers racing for the last slot may add one each)
   * @return the key's window, or the overflow window when the key is new and {@code maxKeys} keys are tracked
   */
  SlidingWindow window(String value, int maxKeys) {
    if (OVERFLOW_KEY.equals(value)) {
      return overflow;
    }
    SlidingWindow window = windows.get(value);
    if (window != null) {
      return window;
    }
    if (windows.size() >= maxKeys) {
      return overflow;
    }
    return windows.computeIfAbsent(value, v -> new SlidingWindow(limit.maxRequests(), limit.windowMs()));
  }

  /** @return the key a window's admissions travel under: its value, or {@link #OVERFLOW_KEY} for the overflow */
  String wireKey(String value, SlidingWindow window) {
    return window == overflow ? OVERFLOW_KEY : value;
  }

  /** @return the admissions not sent yet, by wire key; idle keys are dropped */
  JsonObject drain(long now) {
    JsonObject keys = new JsonObject();
    windows.entrySet().removeIf(entry -> {
      long[] admitted = entry.getValue().drain();
      if (admitted != null) {
        keys.put(entry.getKey(), json(admitted));
      }
      return admitted == null && entry.getValue().idle(now);
    });
    long[] overflowed = overflow.drain();
    if (overflowed != null) {
      keys.put(OVERFLOW_KEY, json(overflowed));
    }
    return keys;
  }

  static JsonArray json(long[] admissions) {
    return new JsonArray(Arrays.stream(admissions).boxed().toList());
  }
}
