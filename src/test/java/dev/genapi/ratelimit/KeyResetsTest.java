package dev.genapi.ratelimit;

import dev.genapi.cluster.Seal;
import dev.genapi.metrics.GenApiMetrics;
import dev.genapi.protocol.Request;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static dev.genapi.testing.TestCluster.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Key resets between gateways, over a real event bus")
class KeyResetsTest {

  private static final LimitedKey ALICE = LimitedKey.of("global", "user_id", "alice");

  private Vertx vertx;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() {
    await(vertx.close());
  }

  private static RateLimiter spentLimiter() {
    RateLimiter limiter = new RateLimiter(new RateLimitOptions(new JsonObject(
      "{\"global_limits\":[{\"key\":\"user_id\",\"max_requests\":1,\"window_ms\":60000}]}")), new GenApiMetrics());
    limiter.check(new Request("r", "s", "t", null, new JsonObject(), "alice", null, List.of(), null, null));
    return limiter;
  }

  private KeyResets started(RateLimiter limiter, String token, String id) {
    KeyResets resets = new KeyResets(vertx, limiter, Seal.of(token), id);
    await(resets.start());
    return resets;
  }

  @Test
  @DisplayName("a peer under the same admin token forgets the key and confirms")
  void confirmed() {
    RateLimiter here = spentLimiter();
    RateLimiter peer = spentLimiter();
    KeyResets resets = started(here, "admin", "here");
    started(peer, "admin", "peer");
    assertThat(await(resets.reset(ALICE, Set.of("peer")))).isEqualTo(2);
    assertThat(here.keyState(ALICE).get(0).count()).isZero();
    assertThat(peer.keyState(ALICE).get(0).count()).isZero();
  }

  @Test
  @DisplayName("a peer refuses a reset not sealed with its admin token, and a peer that is gone fails the reset")
  void refusedOrGone() {
    RateLimiter here = spentLimiter();
    RateLimiter peer = spentLimiter();
    KeyResets resets = started(here, "admin", "here");
    started(peer, "another-admin", "peer");
    assertThatThrownBy(() -> await(resets.reset(ALICE, Set.of("peer", "gone")))).rootCause()
      .hasMessageStartingWith("the key was reset on 1 of 3 gateways; 2 did not confirm within 5000 ms: ");
    assertThat(here.keyState(ALICE).get(0).count()).as("this gateway forgot it").isZero();
    assertThat(peer.keyState(ALICE).get(0).count()).as("the peer kept it").isEqualTo(1);
  }
}
