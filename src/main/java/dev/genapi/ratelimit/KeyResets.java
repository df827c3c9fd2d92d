package dev.genapi.ratelimit;

import dev.genapi.api.InvalidConfigException;
import dev.genapi.cluster.Addresses;
import dev.genapi.cluster.Seal;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Set;

/**
 * Resets one key on every gateway: this gateway forgets the key's windows at once, then asks each live peer, at the
 * peer's own address, to do the same, and waits for every answer. A reset carries the moment it was made, so a peer's
 * admissions of the key from before it that are still on their way are ignored when they arrive. Resets are sealed
 * with the admin token ({@link Seal}): a gateway refuses one that does not verify, so only an operator clears a key.
 */
final class KeyResets {

  /** How long a reset waits for each peer's answer. */
  static final long ANSWER_TIMEOUT_MS = 5_000;
  private static final Logger LOG = LoggerFactory.getLogger(KeyResets.class);
  private static final int MALFORMED = 400;
  private static final int REFUSED = 403;

  private final Vertx vertx;
  private final RateLimiter limiter;
  private final Seal seal;
  private final String gatewayId;
  private MessageConsumer<JsonObject> consumer;

  KeyResets(Vertx vertx, RateLimiter limiter, Seal seal, String gatewayId) {
    this.vertx = vertx;
    this.limiter = limiter;
    this.seal = seal;
    this.gatewayId = gatewayId;
  }

  Future<Void> start() {
    consumer = vertx.eventBus().consumer(Addresses.rateLimitGateway(gatewayId), this::received);
    return consumer.completion();
  }

  Future<Void> stop() {
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  /**
   * @param peers the rate-limit ids of the other live gateways
   * @return how many gateways forgot the key, this one included; failed when a peer did not confirm in time
   */
  Future<Integer> reset(LimitedKey key, Set<String> peers) {
    long at = System.currentTimeMillis();
    limiter.reset(key, at);
    String scope = key.scope().toString();
    JsonObject message = new JsonObject().put("scope", scope).put("key", key.key()).put("value", key.value())
      .put("at", at).put("mac", seal.mac(parts(scope, key.key(), key.value(), at)));
    DeliveryOptions delivery = new DeliveryOptions().setSendTimeout(ANSWER_TIMEOUT_MS);
    List<Future<Message<Object>>> answers = peers.stream()
      .map(peer -> vertx.eventBus().request(Addresses.rateLimitGateway(peer), message, delivery)).toList();
    return Future.join(answers).transform(joined -> {
      List<Throwable> failures = answers.stream().filter(Future::failed).map(Future::cause).toList();
      int gateways = 1 + peers.size();
      return failures.isEmpty() ? Future.succeededFuture(gateways) : Future.failedFuture(new IllegalStateException(
        "the key was reset on " + (gateways - failures.size()) + " of " + gateways + " gateways; "
          + failures.size() + " did not confirm within " + ANSWER_TIMEOUT_MS + " ms: " + failures.get(0).getMessage()));
    });
  }

  private void received(Message<JsonObject> message) {
    JsonObject body = message.body();
    LimitedKey key;
    try {
      key = LimitedKey.of(body.getValue("scope"), body.getValue("key"), body.getValue("value"));
    } catch (InvalidConfigException e) {
      message.fail(MALFORMED, e.getMessage());
      return;
    }
    long at = body.getValue("at") instanceof Number n ? n.longValue() : -1;
    String mac = body.getValue("mac") instanceof String text ? text : null;
    if (at < 0 || !seal.matches(mac, parts(key.scope().toString(), key.key(), key.value(), at))) {
      LOG.warn("Refusing a rate-limit reset that is not sealed with this gateway's admin token");
      message.fail(REFUSED, "the reset is not sealed with this gateway's admin token");
      return;
    }
    limiter.reset(key, at);
    message.reply(null);
  }

  private static String[] parts(String scope, String key, String value, long at) {
    return new String[] {"rate-limit-reset", scope, key, value, Long.toString(at)};
  }
}
