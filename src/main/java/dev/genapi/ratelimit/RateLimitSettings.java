package dev.genapi.ratelimit;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.genapi.cluster.Addresses;
import dev.genapi.cluster.MapChangeListener;
import dev.genapi.cluster.MapResync;
import dev.genapi.cluster.Seal;
import dev.genapi.metrics.GenApiMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * The rate limits every gateway applies, kept in the cluster's settings map: the first gateway seeds it from its
 * configuration, {@code PUT /admin/rate-limits} replaces it, adding or removing one limit changes it with
 * compare-and-set (so concurrent changes on several gateways all hold), and every gateway applies each change as it
 * arrives (and reads it again when entry events cannot be trusted, see {@link MapResync}). The value is sealed with
 * the admin token ({@link Seal}): one that does not verify is not applied, and the limits in force stay.
 *
 * @implNote reads and writes here cross the network; none happens on the request path.
 */
public final class RateLimitSettings {

  private static final Logger LOG = LoggerFactory.getLogger(RateLimitSettings.class);
  private static final String KEY = "rate_limits";
  private static final int MAX_CHANGE_ATTEMPTS = 20;

  private final Vertx vertx;
  private final IMap<String, String> settings;
  private final RateLimiter limiter;
  private final Seal seal;
  private final GenApiMetrics metrics;
  /** The stored value last applied (or refused): reading the same again changes nothing. */
  private String seen;
  private UUID listener;
  private MapResync resync;

  /**
   * @param vertx the gateway's clustered Vert.x
   * @param hazelcast its Hazelcast instance
   * @param limiter the limiter to keep up to date
   * @param adminToken the admin token, the writer's secret of the limits, or {@code null}
   * @param metrics where limits that do not verify are counted
   */
  public RateLimitSettings(Vertx vertx, HazelcastInstance hazelcast, RateLimiter limiter, String adminToken,
                           GenApiMetrics metrics) {
    this.vertx = vertx;
    this.settings = hazelcast.getMap(Addresses.SETTINGS_MAP);
    this.limiter = limiter;
    this.seal = Seal.of(adminToken);
    this.metrics = metrics;
  }

  /**
   * Seeds the cluster's limits with these unless some are already set, then follows the cluster's limits.
   *
   * @param configured the limits from this gateway's configuration
   */
  public Future<Void> start(RateLimitOptions configured) {
    return vertx.executeBlocking(() -> {
      listener = settings.addEntryListener(new MapChangeListener((key, json) -> {
        if (KEY.equals(key)) {
          apply(json);
        }
      }, key -> { }), KEY, true);
      resync = MapResync.start(vertx, "the rate limits", () -> apply(settings.get(KEY)));
      settings.putIfAbsent(KEY, sealed(configured));
      apply(settings.get(KEY));
      return null;
    });
  }

  /** Stops following the cluster's limits. */
  public Future<Void> stop() {
    return vertx.executeBlocking(() -> {
      if (resync != null) {
        resync.stop();
      }
      return listener == null || settings.removeEntryListener(listener);
    }).mapEmpty();
  }

  /**
   * Replaces the limits of every gateway.
   *
   * @param limits the new limits, already validated
   */
  public Future<Void> put(RateLimitOptions limits) {
    return Future.fromCompletionStage(settings.setAsync(KEY, sealed(limits)), vertx.getOrCreateContext());
  }

  /**
   * Adds one limit on every gateway, keeping the others; it replaces the limit of the same scope, key and window.
   *
   * @param limit the limit, already validated
   * @return the limit it replaced, or {@code null} when it was added
   */
  public Future<RateLimit> add(RateLimit limit) {
    return change(limits -> limits.withLimit(limit)).map(previous -> Stream.concat(
      previous.getGlobalLimits().stream(), previous.getApiLimits().stream())
      .filter(limit::sameWindow).findFirst().orElse(null));
  }

  /**
   * Removes the limits the selector names, on every gateway.
   *
   * @return how many it removed; none changes nothing
   */
  public Future<Integer> remove(LimitSelector which) {
    return change(limits -> limits.withoutLimits(which)).map(previous -> (int) Stream.concat(
      previous.getGlobalLimits().stream(), previous.getApiLimits().stream()).filter(which::matches).count());
  }

  /**
   * Writes the edited limits with compare-and-set, again on the newer value when another change came first. The
   * limits edited are those in the cluster when they verify, else those in force here.
   *
   * @return the limits the edit was made on
   */
  private Future<RateLimitOptions> change(UnaryOperator<RateLimitOptions> edit) {
    return vertx.executeBlocking(() -> {
      for (int attempt = 0; attempt < MAX_CHANGE_ATTEMPTS; attempt++) {
        String stored = settings.get(KEY);
        RateLimitOptions current = verified(stored);
        RateLimitOptions edited = edit.apply(current);
        if (edited == current || written(stored, sealed(edited))) {
          return current;
        }
      }
      throw new IllegalStateException("the rate limits changed " + MAX_CHANGE_ATTEMPTS
        + " times during this change; try again");
    });
  }

  private RateLimitOptions verified(String stored) {
    String json = seal.open(Addresses.SETTINGS_MAP, KEY, stored);
    try {
      return json == null ? limiter.options() : new RateLimitOptions(new JsonObject(json));
    } catch (RuntimeException e) {
      return limiter.options();
    }
  }

  private boolean written(String stored, String edited) {
    return stored == null ? settings.putIfAbsent(KEY, edited) == null : settings.replace(KEY, stored, edited);
  }

  private String sealed(RateLimitOptions limits) {
    return seal.seal(Addresses.SETTINGS_MAP, KEY, limits.toJson().encode());
  }

  /** @return 1 when the stored value differs from the one last seen, else 0 */
  private synchronized int apply(String stored) {
    // none in the cluster (deleted, or gone with the members of a split's other side): the limits in force stay
    if (stored == null || stored.equals(seen)) {
      return 0;
    }
    seen = stored;
    String json = seal.open(Addresses.SETTINGS_MAP, KEY, stored);
    if (json == null) {
      metrics.rejectedEntry(GenApiMetrics.SETTINGS_MAP);
      LOG.warn("Ignoring rate limits in the cluster that are not sealed with the admin token; the limits in force stay");
      return 1;
    }
    try {
      limiter.update(new RateLimitOptions(new JsonObject(json)));
    } catch (RuntimeException e) {
      LOG.warn("Ignoring invalid rate limits from the cluster: {}", e.getMessage());
    }
    return 1;
  }
}
