package dev.genapi.ratelimit;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

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
      long retry = window.acquire(1000 + i * 10, 0, 200);
      if (retry < 0) {
        admitted++;
      } else {
        assertThat(retry).isBetween(1L, 2000L).isLessThanOrEqualTo(previousRetry);
        previousRetry = retry;
      }
    }
    assertThat(admitted).isEqualTo(5);
    assertThat(window.acquire(999 + 2000, 0, 200)).as("the first call is still in the window").isEqualTo(1);
    assertThat(window.acquire(1000 + 2000, 0, 200)).as("the first call left the window").isNegative();
    assertThat(window.acquire(1000 + 2000, 0, 200)).isPositive();
  }

  @Test
  @DisplayName("counts admissions merged from other gateways, in timestamp order")
  void merge() {
    SlidingWindow window = new SlidingWindow(5, 1000);
    window.acquire(500, 0, 200);
    window.merge(new long[] {100, 600, 50}, 700, "peer", false);
    assertThat(window.acquire(700, 0, 200)).as("four in the window, room for one").isNegative();
    assertThat(window.acquire(700, 0, 200)).isEqualTo(50 + 1000 - 700);
    assertThat(window.acquire(1101, 0, 200)).as("50 and 100 left the window").isNegative();
  }

  @Test
  @DisplayName("turns hot at its fair part of the limit, and hands out each unsent admission once")
  void hotAndDrain() {
    SlidingWindow window = new SlidingWindow(9, 10_000);
    window.acquire(1, 0, 200);
    window.acquire(2, 0, 200);
    assertThat(window.hot(3, 5)).isFalse();
    window.merge(new long[] {0}, 3, "peer", false);
    assertThat(window.hot(3, 5)).as("3 known of 9, shared by 3 gateways").isTrue();
    assertThat(window.drain()).containsExactly(1, 2);
    assertThat(window.drain()).isNull();
    assertThat(window.unflushedPeers(java.util.Map.of("peer", 4L, "other", 4L))).isEqualTo(2);
    window.merge(new long[] {6}, 7, "peer", true);
    assertThat(window.unflushedPeers(java.util.Map.of("peer", 4L, "other", 4L))).as("peer flushed").isEqualTo(1);
    assertThat(window.unflushedPeers(java.util.Map.of("peer", 4L, "other", 8L))).as("other had a round").isZero();
    assertThat(window.acquire(9, 5, 200)).as("4 known + 5 unreported of 9").isEqualTo(200);
  }

  @Test
  @DisplayName("counts a peer as flushed when its eager flush is what made the key hot here, not when a round did")
  void eagerFlushBeforeHot() {
    SlidingWindow window = new SlidingWindow(9, 10_000);
    window.acquire(1, 0, 200);
    window.acquire(2, 0, 200);
    window.merge(new long[] {3}, 4, "eager-peer", true);
    window.merge(new long[] {3}, 4, "round-peer", false);
    assertThat(window.hot(3, 4)).isTrue();
    java.util.Map<String, Long> rounds = java.util.Map.of("eager-peer", 0L, "round-peer", 4L, "silent-peer", 0L);
    assertThat(window.unflushedPeers(rounds)).as("the round peer's round came at hotSince, the silent one never")
      .isEqualTo(2);
    assertThat(window.unflushedPeers(java.util.Map.of("eager-peer", 0L))).isZero();
  }

  @Test
  @DisplayName("is idle once its calls left the window")
  void idle() {
    SlidingWindow window = new SlidingWindow(3, 100);
    window.acquire(0, 0, 200);
    window.drain();
    assertThat(window.idle(50)).isFalse();
    assertThat(window.idle(200)).isTrue();
  }

  @Test
  @DisplayName("holds memory for the calls a key made, not for its limit, and grows only up to the limit")
  void growsWithUse() {
    SlidingWindow large = new SlidingWindow(1_000_000, 60_000);
    for (int i = 0; i < 3; i++) {
      assertThat(large.acquire(i, 0, 200)).isNegative();
    }
    assertThat(large.capacity()).isEqualTo(SlidingWindow.INITIAL_CAPACITY);
    for (int i = 3; i < 1000; i++) {
      assertThat(large.acquire(i, 0, 200)).isNegative();
    }
    assertThat(large.capacity()).isEqualTo(1024);
    SlidingWindow small = new SlidingWindow(100, 60_000);
    int admitted = 0;
    for (int i = 0; i < 300; i++) {
      admitted += small.acquire(i, 0, 200) < 0 ? 1 : 0;
    }
    assertThat(admitted).isEqualTo(100);
    assertThat(small.capacity()).isEqualTo(100);
    assertThat(new SlidingWindow(3, 1000).capacity()).isEqualTo(3);
  }

  @Test
  @DisplayName("after growing, still admits exactly max calls per window as it slides, merges included")
  void exactAfterGrowth() {
    SlidingWindow window = new SlidingWindow(50, 1000);
    window.merge(new long[] {5, 1, 3}, 10, "peer", false);
    int admitted = 0;
    for (int i = 0; i < 100; i++) {
      admitted += window.acquire(10 + i, 0, 200) < 0 ? 1 : 0;
    }
    assertThat(admitted).as("3 merged + 47 local").isEqualTo(47);
    assertThat(window.acquire(1000, 0, 200)).as("1 left the window at 1001").isEqualTo(1);
    assertThat(window.acquire(1001, 0, 200)).isNegative();
    assertThat(window.acquire(1002, 0, 200)).as("3 has not left yet").isEqualTo(1);
    assertThat(window.acquire(1003, 0, 200)).isNegative();
  }

  @Test
  @DisplayName("answers every call as a plain sorted log would, over generated calls and merges")
  void sameAsPlainLog() {
    Random random = new Random(12);
    for (int run = 0; run < 300; run++) {
      int max = 1 + random.nextInt(40);
      long windowMs = 1 + random.nextInt(100);
      SlidingWindow window = new SlidingWindow(max, windowMs);
      PlainLog log = new PlainLog(max, windowMs);
      long now = 0;
      for (int op = 0; op < 400; op++) {
        now += random.nextInt(3);
        if (random.nextInt(5) == 0) {
          long[] remote = random.longs(random.nextInt(max + 2), Math.max(0, now - windowMs - 5), now + 1).toArray();
          window.merge(remote, now, "peer", false);
          log.merge(remote, now);
        } else {
          int unreported = random.nextInt(3);
          assertThat(window.acquire(now, unreported, 200)).as("run %d, op %d", run, op)
            .isEqualTo(log.acquire(now, unreported, 200));
        }
        assertThat(window.capacity()).isLessThanOrEqualTo(max);
      }
    }
  }

  /** The sliding log as a plain list, the reference for {@link #sameAsPlainLog()}. */
  private record PlainLog(int max, long windowMs, List<Long> times) {

    PlainLog(int max, long windowMs) {
      this(max, windowMs, new ArrayList<>());
    }

    long acquire(long now, int unreported, long exchangeMs) {
      times.removeIf(t -> t <= now - windowMs);
      if (times.size() >= max) {
        return Math.max(1, times.get(0) + windowMs - now);
      }
      if (times.size() + unreported >= max) {
        return Math.max(1, exchangeMs);
      }
      times.add(now);
      return -1;
    }

    void merge(long[] remote, long now) {
      times.removeIf(t -> t <= now - windowMs);
      for (long time : remote) {
        if (time > now - windowMs && (times.size() < max || time > times.get(0))) {
          if (times.size() == max) {
            times.remove(0);
          }
          int position = times.size();
          while (position > 0 && times.get(position - 1) > time) {
            position--;
          }
          times.add(position, time);
        }
      }
    }
  }
}
