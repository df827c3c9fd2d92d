package dev.genapi.ratelimit;

import dev.genapi.api.ErrorCode;
import dev.genapi.api.GenApiException;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

  private static final Logger LOG = LoggerFactory.getLogger(RateLimiter.class);
  private static final int MAX_LOGGED_VALUE_CHARS = 100;

  private final RateLimit limit;
  private final String scope;
  private final Counter rejections;
  private final Map<String, SlidingWindow> windows = new ConcurrentHashMap<>();
  private final SlidingWindow overflow;

  /** @param rejections the counter of this limit's scope */
  LimitWindows(RateLimit limit, Counter rejections) {
    this.limit = limit;
    this.scope = limit.scope().toString();
    this.rejections = rejections;
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

  /**
   * @return the state of a key value, without tracking it: its own window's; the overflow window's once
   *   {@code maxKeys} keys are tracked and this one is not; else that of an unused key
   */
  KeyState state(String value, int maxKeys, long now) {
    SlidingWindow window = windows.get(value);
    if (window != null) {
      return window.state(limit, now, false);
    }
    return windows.size() >= maxKeys ? overflow.state(limit, now, true)
      : new KeyState(limit, 0, limit.maxRequests(), 0, false);
  }

  /**
   * Forgets a key value's own window (tracking it, below {@code maxKeys} keys, so that reports of older admissions
   * are ignored). A key counted in the overflow window is left: clearing that would reset every key past the cap.
   */
  void reset(String value, long at, int maxKeys, long now) {
    SlidingWindow window = window(value, maxKeys);
    if (window != overflow) {
      window.reset(at, now);
    }
  }

  /**
   * Counts a rejection in the scope's meter and logs one {@code WARN} line per key and window.
   *
   * @return the failure to answer
   */
  GenApiException reject(String value, SlidingWindow window, long now, long retryAfterMs) {
    rejections.increment();
    if (window.firstRejectionInWindow(now)) {
      boolean shared = window == overflow;
      LOG.warn("Rate limit exceeded: scope {}, {} {} (limit {} per {} ms{}); not logged again for {} for {} ms", scope,
        limit.key(), quoted(value), limit.maxRequests(), limit.windowMs(),
        shared ? ", in the window shared by every key past max_keys" : "", shared ? "those keys" : "this key",
        limit.windowMs());
    }
    return new GenApiException(ErrorCode.RATE_LIMITED,
      "Rate limit exceeded. Please retry after " + retryAfterMs / 1000 + " seconds.", retryAfterMs);
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

  /** @return the value as a JSON string, so that no client's value can break the line, cut to a bounded length */
  private static String quoted(String value) {
    String shown = value.length() > MAX_LOGGED_VALUE_CHARS ? value.substring(0, MAX_LOGGED_VALUE_CHARS) + "…" : value;
    return Json.encode(shown);
  }

  static JsonArray json(long[] admissions) {
    return new JsonArray(Arrays.stream(admissions).boxed().toList());
  }
}
