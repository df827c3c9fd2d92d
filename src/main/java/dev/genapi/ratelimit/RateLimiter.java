package dev.genapi.ratelimit;

import dev.genapi.api.ErrorCode;
import dev.genapi.api.GenApiException;
import dev.genapi.protocol.Request;
import dev.genapi.metrics.GenApiMetrics;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A gateway's rate limiter: global limits first, then the limits of the called function; the first rejection wins
 * and earlier limits keep the call counted, as in the original. Checks read and write local memory only. In cluster
 * mode {@link RateLimitSync} exchanges admissions with the other gateways: in batches every
 * {@code sync_interval_ms} while a key is far from its limit, and at once (a fire-and-forget publish) as soon as the
 * admissions known for the key reach this gateway's fair part of the limit ({@code max / gateways}), when it also
 * flushes what it had not sent yet.
 * <p>
 * Accuracy: before a key turns hot on a gateway, every gateway has admitted less than its fair part unreported, so
 * together less than the limit. From then on the gateway counts each peer that has not flushed that key since as
 * holding a full fair part, until the peer's admissions (or its next round) arrive; and every further admission is
 * published as it happens. N gateways therefore overshoot a limit by at most the calls admitted cluster-wide during
 * one event-bus publish, plus N rounding calls; the price is that a hot key may be refused for at most one round
 * ({@code sync_interval_ms}) more than needed while the peers flush.
 * <p>
 * Memory: each limit tracks at most {@code max_keys} keys on their own; calls with further keys, and peers'
 * admissions for them, share one overflow window of the same limit, so distinct keys can never make calls unlimited.
 * <p>
 * Checks and rejections are counted in {@link GenApiMetrics}, rejections by the limit's scope; the first rejection of
 * a key in each window's time is logged as one {@code WARN} line.
 */
public final class RateLimiter {

  private final GenApiMetrics metrics;
  private volatile State state;
  private volatile int gateways = 1;
  private volatile Publisher publisher;

  /** Sends admissions of one key to the other gateways at once. */
  @FunctionalInterface
  interface Publisher {
    void publish(String limitId, String key, long[] admissions);
  }

  /** When each live peer's last exchange round arrived. */
  private volatile Map<String, Long> peerRounds = Map.of();

  private record State(RateLimitOptions options, List<LimitWindows> global, Map<String, List<LimitWindows>> api,
                       Map<String, LimitWindows> byId) {
  }

  /**
   * @param options the initial limits
   * @param metrics where checks and rejections are counted
   */
  public RateLimiter(RateLimitOptions options, GenApiMetrics metrics) {
    this.metrics = metrics;
    update(options);
  }

  /** Replaces the limits; limits that did not change keep their counts. */
  public synchronized void update(RateLimitOptions options) {
    Map<String, LimitWindows> previous = state == null ? Map.of() : state.byId();
    Map<String, LimitWindows> byId = new HashMap<>();
    List<LimitWindows> global = new ArrayList<>();
    Map<String, List<LimitWindows>> api = new HashMap<>();
    for (RateLimit limit : options.getGlobalLimits()) {
      global.add(byId.computeIfAbsent(limit.id(), id -> reuse(previous, limit)));
    }
    for (RateLimit limit : options.getApiLimits()) {
      api.computeIfAbsent(limit.service() + '/' + limit.requestType(), k -> new ArrayList<>())
        .add(byId.computeIfAbsent(limit.id(), id -> reuse(previous, limit)));
    }
    state = new State(options, List.copyOf(global), Map.copyOf(api), Map.copyOf(byId));
  }

  /** @return the limits in force */
  public RateLimitOptions options() {
    return state.options();
  }

  /**
   * Counts the call against every limit that applies to it.
   *
   * @param request the call, with the caller's identity and address
   * @throws GenApiException {@code RATE_LIMITED} with {@code retry_after_ms} when a limit is exhausted
   */
  public void check(Request request) {
    State current = state;
    if (!current.options().isEnabled() || current.byId().isEmpty()) {
      return;
    }
    metrics.rateLimitChecked();
    long now = System.currentTimeMillis();
    int sharing = current.options().isCluster() ? gateways : 0;
    try {
      for (LimitWindows limit : current.global()) {
        apply(limit, request, now, sharing, current.options());
      }
      List<LimitWindows> api = current.api().get(request.service() + '/' + request.requestType());
      if (api != null) {
        for (LimitWindows limit : api) {
          apply(limit, request, now, sharing, current.options());
        }
      }
    } catch (GenApiException e) {
      throw e;
    } catch (RuntimeException e) {
      if (!current.options().isFailOpen()) {
        throw new GenApiException(ErrorCode.RATE_LIMITED, "Rate limit service unavailable");
      }
    }
  }

  /**
   * @return the key's state under every limit in force with its scope and key, in the order they are checked; empty
   *   when no limit has them
   */
  public List<KeyState> keyState(LimitedKey key) {
    State current = state;
    long now = System.currentTimeMillis();
    return covering(current, key).stream()
      .map(limit -> limit.state(key.value(), current.options().getMaxKeys(), now)).toList();
  }

  /**
   * The limits a call is checked against, in the order they are checked, each with the caller's state under it;
   * nothing is counted.
   *
   * @return per limit its JSON form with {@code value} (the call's value of its key) and, when the call has one,
   *   {@code count}, {@code remaining}, {@code reset_ms} and {@code overflow}; a limit without a value is skipped
   *   for the call. Empty when rate limiting is off.
   */
  public List<JsonObject> explain(Request request) {
    State current = state;
    if (!current.options().isEnabled()) {
      return List.of();
    }
    long now = System.currentTimeMillis();
    List<LimitWindows> limits = new ArrayList<>(current.global());
    limits.addAll(current.api().getOrDefault(request.service() + '/' + request.requestType(), List.of()));
    return limits.stream().map(limit -> {
      String value = keyValue(limit.limit().key(), request);
      return value == null ? limit.limit().toJson().putNull("value")
        : limit.state(value, current.options().getMaxKeys(), now).toJson().put("value", value);
    }).toList();
  }

  /**
   * Forgets the key's windows under every limit with its scope and key: admissions made here and merged from peers;
   * peers' admissions made until {@code at} that arrive later are ignored.
   *
   * @param at when the reset was made
   */
  void reset(LimitedKey key, long at) {
    State current = state;
    long now = System.currentTimeMillis();
    covering(current, key).forEach(limit -> limit.reset(key.value(), at, current.options().getMaxKeys(), now));
  }

  private static List<LimitWindows> covering(State current, LimitedKey key) {
    return Stream.concat(current.options().getGlobalLimits().stream(), current.options().getApiLimits().stream())
      .filter(key::covers).map(RateLimit::id).distinct().map(current.byId()::get).toList();
  }

  void publisher(Publisher publisher) {
    this.publisher = publisher;
  }

  /**
   * An exchange round: the local admissions not sent yet, by limit id and key; idle keys are dropped.
   *
   * @param rounds when each live peer's last round arrived (outside cluster mode: none)
   */
  JsonObject exchange(long now, Map<String, Long> rounds) {
    this.peerRounds = rounds;
    this.gateways = 1 + rounds.size();
    JsonObject message = new JsonObject();
    state.byId().forEach((id, limit) -> {
      JsonObject keys = limit.drain(now);
      if (!keys.isEmpty()) {
        message.put(id, keys);
      }
    });
    return message;
  }

  /**
   * Merges the admissions another gateway reported; a key that turns hot here flushes its own at once. Keys not
   * tracked here count in the overflow window once the limit tracks {@code max_keys} keys.
   *
   * @param eager whether the peer sent them at once (keys hot there) rather than in a round
   */
  void merge(JsonObject admissions, long now, String from, boolean eager) {
    State current = state;
    int maxKeys = current.options().getMaxKeys();
    admissions.forEach(entry -> {
      LimitWindows limit = current.byId().get(entry.getKey());
      if (limit != null && entry.getValue() instanceof JsonObject keys) {
        keys.forEach(key -> {
          JsonArray times = (JsonArray) key.getValue();
          long[] remote = new long[times.size()];
          for (int i = 0; i < remote.length; i++) {
            remote[i] = times.getLong(i);
          }
          SlidingWindow window = limit.window(key.getKey(), maxKeys);
          window.merge(remote, now, from, eager);
          flushIfHot(limit, limit.wireKey(key.getKey(), window), window, gateways, now);
        });
      }
    });
  }

  /** @param sharing how many gateways share the limit, 0 outside cluster mode */
  private void apply(LimitWindows limit, Request request, long now, int sharing, RateLimitOptions options) {
    String value = keyValue(limit.limit().key(), request);
    if (value == null) {
      return;
    }
    SlidingWindow window = limit.window(value, options.getMaxKeys());
    int unreported = 0;
    if (sharing > 1) {
      int fairPart = (limit.limit().maxRequests() + sharing - 1) / sharing;
      unreported = window.unflushedPeers(peerRounds) * Math.max(0, fairPart - 1);
    }
    long retryAfter = window.acquire(now, unreported, options.getSyncIntervalMs());
    if (retryAfter < 0) {
      flushIfHot(limit, limit.wireKey(value, window), window, sharing, now);
    } else {
      throw limit.reject(value, window, now, retryAfter);
    }
  }

  private void flushIfHot(LimitWindows limit, String value, SlidingWindow window, int sharing, long now) {
    Publisher eager = publisher;
    if (sharing > 1 && eager != null && window.hot(sharing, now)) {
      long[] admitted = window.drain();
      if (admitted != null) {
        eager.publish(limit.limit().id(), value, admitted);
      }
    }
  }

  private static String keyValue(String key, Request request) {
    Object value = switch (key) {
      case "user_id" -> request.userId();
      case "device_id" -> request.deviceId();
      case "ip_address" -> request.ipAddress();
      default -> request.args().getValue(key);
    };
    if (value instanceof String s) {
      return s.isEmpty() ? null : s;
    }
    return value instanceof Number ? value.toString() : null;
  }

  private LimitWindows reuse(Map<String, LimitWindows> previous, RateLimit limit) {
    LimitWindows old = previous.get(limit.id());
    return old != null ? old : new LimitWindows(limit, metrics.rateLimitRejections(limit.scope().toString()));
  }
}
