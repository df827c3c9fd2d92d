package dev.genapi.ratelimit;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("A sliding window")
class SlidingWindowTest {

  @Test
  @DisplayName("admits exactly max calls per window, then tells how long to wait, and admits again as it slides")
  void exactWindow() {
    SlidingWindow window = new SlidingWindow(5, 2000);
    int admitted = 0;
    long previousRetry = Long.MAX_VALUE;
    for (int i = 0; i < 20; i++) {
      long retry = window.acquire(1000 + i * 10);
      if (retry < 0) {
        admitted++;
      } else {
        assertThat(retry).isBetween(1L, 2000L).isLessThanOrEqualTo(previousRetry);
        previousRetry = retry;
      }
    }
    assertThat(admitted).isEqualTo(5);
    assertThat(window.acquire(999 + 2000)).as("the first call is still in the window").isEqualTo(1);
    assertThat(window.acquire(1000 + 2000)).as("the first call left the window").isNegative();
    assertThat(window.acquire(1000 + 2000)).isPositive();
  }

  @Test
  @DisplayName("counts admissions merged from other gateways, in timestamp order")
  void merge() {
    SlidingWindow window = new SlidingWindow(5, 1000);
    window.acquire(500);
    window.merge(new long[] {100, 600, 50}, 700);
    assertThat(window.acquire(700)).as("four in the window, room for one").isNegative();
    assertThat(window.acquire(700)).isEqualTo(50 + 1000 - 700);
    assertThat(window.acquire(1101)).as("50 and 100 left the window").isNegative();
  }

  @Test
  @DisplayName("turns hot at its fair part of the limit, and hands out each unsent admission once")
  void hotAndDrain() {
    SlidingWindow window = new SlidingWindow(9, 10_000);
    window.acquire(1);
    window.acquire(2);
    assertThat(window.hot(3)).isFalse();
    window.merge(new long[] {0}, 3);
    assertThat(window.hot(3)).as("3 known of 9, shared by 3 gateways").isTrue();
    assertThat(window.drain()).containsExactly(1, 2);
    assertThat(window.drain()).isNull();
  }

  @Test
  @DisplayName("is idle once its calls left the window")
  void idle() {
    SlidingWindow window = new SlidingWindow(3, 100);
    window.acquire(0);
    window.drain();
    assertThat(window.idle(50)).isFalse();
    assertThat(window.idle(200)).isTrue();
  }
}
