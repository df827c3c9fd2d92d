package dev.genapi.ratelimit;

import dev.genapi.cluster.Addresses;
import dev.genapi.cluster.Seal;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Exchanges admissions among the gateways of a cluster: every {@code sync_interval_ms} each gateway publishes what it
 * admitted since the last round, and the limiter publishes the admissions of keys near their limit at once; each
 * gateway merges what the others publish. Every round is also a heartbeat, so each gateway knows how many gateways
 * share the limits and which ones a key's reset must reach ({@link KeyResets}). Outside cluster mode the rounds carry
 * no admissions, only the heartbeat (and the limiter drops its idle keys on the same schedule).
 */
public final class RateLimitSync {

  private final Vertx vertx;
  private final RateLimiter limiter;
  private final String gatewayId = UUID.randomUUID().toString();
  /** When each peer's last round arrived; eager messages do not count, they flush one key only. */
  private final Map<String, Long> rounds = new ConcurrentHashMap<>();
  private final KeyResets resets;
  private MessageConsumer<JsonObject> consumer;
  private long timer = -1;
  private volatile boolean stopped;

  /**
   * @param vertx the gateway's clustered Vert.x
   * @param limiter the limiter whose admissions are exchanged
   * @param adminToken the admin token, which seals key resets, or {@code null}
   */
  public RateLimitSync(Vertx vertx, RateLimiter limiter, String adminToken) {
    this.vertx = vertx;
    this.limiter = limiter;
    this.resets = new KeyResets(vertx, limiter, Seal.of(adminToken), gatewayId);
  }

  /** Starts receiving and publishing rounds. */
  public Future<Void> start() {
    consumer = vertx.eventBus().consumer(Addresses.RATE_LIMIT_SYNC, message -> {
      JsonObject body = message.body();
      String from = body.getString("gateway");
      if (!gatewayId.equals(from)) {
        long now = System.currentTimeMillis();
        boolean round = body.getBoolean("round", false);
        limiter.merge(body.getJsonObject("admissions"), now, from, !round);
        if (round) {
          rounds.put(from, now);
        }
      }
    });
    limiter.publisher((limitId, key, admissions) -> publish(new JsonObject().put(limitId,
      new JsonObject().put(key, LimitWindows.json(admissions))), false));
    return consumer.completion().compose(v -> resets.start()).onSuccess(v -> schedule());
  }

  /** Stops exchanging. */
  public Future<Void> stop() {
    stopped = true;
    vertx.cancelTimer(timer);
    return (consumer == null ? Future.<Void>succeededFuture() : consumer.unregister()).eventually(resets::stop);
  }

  /**
   * Forgets a key's windows on this gateway and on every other gateway it has heard from recently.
   *
   * @return how many gateways forgot it, this one included; failed when one did not confirm within
   *   {@value KeyResets#ANSWER_TIMEOUT_MS} ms (the others have forgotten it)
   */
  public Future<Integer> reset(LimitedKey key) {
    return resets.reset(key, livePeers().keySet());
  }

  /** @return the number of gateways this one has heard from recently, itself included */
  public int gateways() {
    return 1 + livePeers().size();
  }

  private Map<String, Long> livePeers() {
    long now = System.currentTimeMillis();
    long horizon = 3 * limiter.options().getSyncIntervalMs() + 1000;
    rounds.values().removeIf(seen -> now - seen > horizon);
    return Map.copyOf(rounds);
  }

  private void schedule() {
    if (!stopped) {
      timer = vertx.setTimer(limiter.options().getSyncIntervalMs(), id -> {
        round();
        schedule();
      });
    }
  }

  private void round() {
    long now = System.currentTimeMillis();
    boolean cluster = limiter.options().isCluster();
    JsonObject admissions = limiter.exchange(now, cluster ? livePeers() : Map.of());
    publish(cluster ? admissions : new JsonObject(), true);
  }

  private void publish(JsonObject admissions, boolean round) {
    vertx.eventBus().publish(Addresses.RATE_LIMIT_SYNC,
      new JsonObject().put("gateway", gatewayId).put("round", round).put("admissions", admissions));
  }
}
