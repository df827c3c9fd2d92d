package dev.genapi.ratelimit;

import dev.genapi.cluster.Seal;
import dev.genapi.metrics.GenApiMetrics;
import dev.genapi.protocol.Request;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Key resets between gateways, over a real event bus")
@ExtendWith(VertxExtension.class)
class KeyResetsTest {

  private static final LimitedKey ALICE = LimitedKey.of("global", "user_id", "alice");

  private static RateLimiter spentLimiter() {
    RateLimiter limiter = new RateLimiter(new RateLimitOptions(new JsonObject(
      "{\"global_limits\":[{\"key\":\"user_id\",\"max_requests\":1,\"window_ms\":60000}]}")), new GenApiMetrics());
    limiter.check(new Request("r", "s", "t", null, new JsonObject(), "alice", null, List.of(), null, null));
    return limiter;
  }

  @Test
  @DisplayName("a peer under the same admin token forgets the key and confirms")
  void confirmed(Vertx vertx, VertxTestContext test) {
    RateLimiter here = spentLimiter();
    RateLimiter peer = spentLimiter();
    KeyResets resets = new KeyResets(vertx, here, Seal.of("admin"), "here");
    Future.all(resets.start(), new KeyResets(vertx, peer, Seal.of("admin"), "peer").start())
      .compose(started -> resets.reset(ALICE, Set.of("peer")))
      .onComplete(test.succeeding(gateways -> test.verify(() -> {
        assertThat(gateways).isEqualTo(2);
        assertThat(here.keyState(ALICE).get(0).count()).isZero();
        assertThat(peer.keyState(ALICE).get(0).count()).isZero();
        test.completeNow();
      })));
  }

  @Test
  @DisplayName("a peer refuses a reset not sealed with its admin token, and a peer that is gone fails the reset")
  void refusedOrGone(Vertx vertx, VertxTestContext test) {
    RateLimiter here = spentLimiter();
    RateLimiter peer = spentLimiter();
    KeyResets resets = new KeyResets(vertx, here, Seal.of("admin"), "here");
    Future.all(resets.start(), new KeyResets(vertx, peer, Seal.of("another-admin"), "peer").start())
      .compose(started -> resets.reset(ALICE, Set.of("peer", "gone")))
      .onComplete(test.failing(failure -> test.verify(() -> {
        assertThat(failure).hasMessageStartingWith(
          "the key was reset on 1 of 3 gateways; 2 did not confirm within 5000 ms: ");
        assertThat(here.keyState(ALICE).get(0).count()).as("this gateway forgot it").isZero();
        assertThat(peer.keyState(ALICE).get(0).count()).as("the peer kept it").isEqualTo(1);
        test.completeNow();
      })));
  }
}
