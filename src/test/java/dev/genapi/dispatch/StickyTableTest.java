package dev.genapi.dispatch;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("A sticky table")
class StickyTableTest {

  private static final List<String> ONE = List.of("n1");

  @Test
  @DisplayName("when full, drops the least recently used key, and keeps the ones still in use")
  void evictsLeastRecentlyUsed() {
    StickyTable table = new StickyTable(3, 1_000);
    table.node("a", ONE, 0);
    table.node("b", ONE, 0);
    table.node("c", ONE, 0);
    table.node("a", ONE, 1);
    table.node("d", ONE, 2);
    assertThat(table.values()).containsExactly("c", "a", "d");
    table.node("c", ONE, 3);
    table.node("e", ONE, 4);
    assertThat(table.values()).containsExactly("d", "c", "e");
  }

  @Test
  @DisplayName("keeps a key on its node until the assignment expires or the node is gone")
  void keepsAndMoves() {
    StickyTable table = new StickyTable(10, 1_000);
    assertThat(table.node("a", ONE, 0)).isEqualTo("n1");
    assertThat(table.node("a", List.of("n1", "n2"), 999)).as("still assigned").isEqualTo("n1");
    assertThat(table.node("a", List.of("n2"), 999)).as("n1 gone").isEqualTo("n2");
    assertThat(table.node("a", List.of("n1", "n2"), 1_998)).isEqualTo("n2");
    assertThat(table.node("a", List.of("n1"), 1_999)).isEqualTo("n1");
  }

  @Test
  @DisplayName("stays bounded and consistent when several event loops use it at once")
  void concurrentUse() throws Exception {
    StickyTable table = new StickyTable(100, Long.MAX_VALUE / 2);
    List<String> nodes = List.of("n1", "n2", "n3");
    ExecutorService loops = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new java.util.ArrayList<>();
      for (int t = 0; t < 4; t++) {
        done.add(loops.submit(() -> {
          for (int i = 0; i < 20_000; i++) {
            String key = "k" + (i % 150);
            assertThat(table.node(key, nodes, 0)).isIn(nodes);
          }
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      loops.shutdownNow();
    }
    assertThat(table.values()).hasSize(100).doesNotHaveDuplicates();
  }
}
