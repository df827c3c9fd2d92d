package dev.genapi.ratelimit;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("A sliding window")
class SlidingWindowTest {

  private static final long NO_EXCHANGE = Long.MAX_VALUE;

  @Test
  @DisplayName("admits exactly max calls per window, then tells how long to wait, and admits again as it slides")
  void exactWindow() {
    SlidingWindow window = new SlidingWindow(5, 2000);
    int admitted = 0;
    long previousRetry = Long.MAX_VALUE;
    for (int i = 0; i < 20; i++) {
      long retry = window.acquire(1000 + i * 10, NO_EXCHANGE);
      if (retry < 0) {
        admitted++;
      } else {
        assertThat(retry).isBetween(1L, 2000L).isLessThanOrEqualTo(previousRetry);
        previousRetry = retry;
      }
    }
    assertThat(admitted).isEqualTo(5);
    assertThat(window.acquire(999 + 2000, NO_EXCHANGE)).as("the first call is still in the window").isEqualTo(1);
    assertThat(window.acquire(1000 + 2000, NO_EXCHANGE)).as("the first call left the window").isNegative();
    assertThat(window.acquire(1000 + 2000, NO_EXCHANGE)).isPositive();
  }

  @Test
  @DisplayName("counts admissions merged from other gateways, in timestamp order")
  void merge() {
    SlidingWindow window = new SlidingWindow(5, 1000);
    window.acquire(500, NO_EXCHANGE);
    window.merge(new long[] {100, 600, 50}, 700);
    assertThat(window.acquire(700, NO_EXCHANGE)).as("four in the window, room for one").isNegative();
    assertThat(window.acquire(700, NO_EXCHANGE)).isEqualTo(50 + 1000 - 700);
    assertThat(window.acquire(1101, NO_EXCHANGE)).as("50 and 100 left the window").isNegative();
  }

  @Test
  @DisplayName("in cluster mode admits only its share of what is left between two exchanges")
  void share() {
    SlidingWindow window = new SlidingWindow(100, 10_000);
    assertThat(window.exchange(0, 3)).isNull();
    int admitted = 0;
    for (int i = 0; i < 100; i++) {
      if (window.acquire(1 + i, 200) < 0) {
        admitted++;
      }
    }
    assertThat(admitted).isEqualTo(34);
    assertThat(window.exchange(200, 3)).hasSize(34);
    window.merge(new long[] {150, 160}, 201);
    int more = 0;
    for (int i = 0; i < 100; i++) {
      if (window.acquire(210 + i, 200) < 0) {
        more++;
      }
    }
    assertThat(more).isEqualTo((100 - 36 + 2) / 3);
  }

  @Test
  @DisplayName("is idle once its calls left the window")
  void idle() {
    SlidingWindow window = new SlidingWindow(3, 100);
    window.acquire(0, NO_EXCHANGE);
    window.exchange(0, 1);
    assertThat(window.idle(50)).isFalse();
    assertThat(window.idle(200)).isTrue();
  }
}
