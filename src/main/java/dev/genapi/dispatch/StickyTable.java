package dev.genapi.dispatch;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The sticky assignments of one function: which node each key value stays on, for a fixed time after it was
 * assigned. At most {@code maxKeys} values are kept; past that the least recently used one is dropped, in O(1).
 * The gateway's event loops share one table per function, so each lookup holds the table's lock for a map get and
 * at most one put.
 */
final class StickyTable {

  private final int maxKeys;
  private final long ttlNanos;
  private final Map<String, Sticky> assignments;

  private record Sticky(String node, long expiresAt) {
  }

  StickyTable(int maxKeys, long ttlNanos) {
    this.maxKeys = maxKeys;
    this.ttlNanos = ttlNanos;
    this.assignments = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Sticky> eldest) {
        return size() > StickyTable.this.maxKeys;
      }
    };
  }

  /**
   * @param candidates the live nodes allowed, not empty
   * @param now {@link System#nanoTime()}
   * @return the node {@code value} is kept on while it is live and its assignment has not expired, else a node
   *   picked at random among the candidates and kept from now on
   */
  synchronized String node(String value, List<String> candidates, long now) {
    Sticky current = assignments.get(value);
    if (current != null && now - current.expiresAt() < 0 && candidates.contains(current.node())) {
      return current.node();
    }
    String node = candidates.get(ThreadLocalRandom.current().nextInt(candidates.size()));
    assignments.put(value, new Sticky(node, now + ttlNanos));
    return node;
  }

  /** @return the node {@code value} is kept on now, or {@code null}: its next call picks one (nothing changes) */
  synchronized String peek(String value, List<String> candidates, long now) {
    Sticky current = assignments.get(value);
    return current != null && now - current.expiresAt() < 0 && candidates.contains(current.node())
      ? current.node() : null;
  }

  /** @return the values kept, least recently used first */
  synchronized List<String> values() {
    return new ArrayList<>(assignments.keySet());
  }
}
