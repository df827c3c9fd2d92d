package dev.genapi.dispatch;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

class CallIdsTest {

  @Test
  @DisplayName("call ids are distinct, 128 bits each, and every bit is as often set as not (no counter shows through)")
  void unguessable() {
    CallIds ids = new CallIds();
    Set<String> seen = new HashSet<>();
    int[] setBits = new int[128];
    int count = 20_000;
    for (int i = 0; i < count; i++) {
      String id = ids.next();
      assertThat(seen.add(id)).as("distinct").isTrue();
      byte[] bytes = Base64.getUrlDecoder().decode(id);
      assertThat(bytes).hasSize(16);
      for (int bit = 0; bit < 128; bit++) {
        setBits[bit] += (bytes[bit / 8] >>> (7 - bit % 8)) & 1;
      }
    }
    for (int bit = 0; bit < 128; bit++) {
      assertThat(setBits[bit] / (double) count).as("bit %d set", bit).isBetween(0.45, 0.55);
    }
    assertThat(new CallIds().next()).as("another gateway's key").isNotIn(seen);
  }

  @Test
  @DisplayName("ids drawn on many threads at once stay distinct")
  void concurrent() throws InterruptedException {
    CallIds ids = new CallIds();
    Set<String> seen = ConcurrentHashMap.newKeySet();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      Thread thread = new Thread(() -> {
        for (int i = 0; i < 10_000; i++) {
          seen.add(ids.next());
        }
      });
      thread.start();
      threads.add(thread);
    }
    for (Thread thread : threads) {
      thread.join();
    }
    assertThat(seen).hasSize(40_000);
  }
}
