package dev.genapi.dispatch;

import dev.genapi.api.FunConfig;
import dev.genapi.api.GenApiException;
import dev.genapi.api.NodeMode;
import dev.genapi.protocol.Request;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Orders the live nodes a function allows and that declare it, for one call: the chosen node first, then the
 * fallbacks. Round-robin counters and sticky assignments ({@link StickyTable}) are kept per function and shared by
 * the gateway's event loops. Candidates are sorted by name, so every gateway maps a hash key to the same node.
 */
final class NodeSelector {

  /** How long a sticky key stays on its node. */
  static final long STICKY_TTL_NANOS = TimeUnit.HOURS.toNanos(1);
  /** The most sticky keys kept per function; past it the least recently used key is dropped. */
  static final int MAX_STICKY_KEYS = 100_000;

  private final NodeRegistry nodes;
  private final Map<String, AtomicInteger> roundRobin = new ConcurrentHashMap<>();
  private final Map<String, StickyTable> sticky = new ConcurrentHashMap<>();

  NodeSelector(NodeRegistry nodes) {
    this.nodes = nodes;
  }

  /**
   * @return the live nodes that declare the function, the chosen one first
   * @throws GenApiException {@code UNAVAILABLE} when no allowed node that declares it is live
   */
  List<String> order(FunConfig function, Request request) {
    List<String> candidates = nodes.serving(function);
    Collections.sort(candidates);
    if (candidates.isEmpty()) {
      throw GenApiException.unavailable(function.service());
    }
    int n = candidates.size();
    if (n == 1) {
      return candidates;
    }
    NodeMode mode = function.nodeMode();
    int chosen = switch (mode.kind()) {
      case RANDOM -> ThreadLocalRandom.current().nextInt(n);
      case HASH -> hash(mode.key() == null ? request.requestId() : request.args().getValue(mode.key()), n);
      case ROUND_ROBIN -> Math.floorMod(roundRobin.computeIfAbsent(function.key(), k -> new AtomicInteger())
        .getAndIncrement(), n);
      case STICKY -> candidates.indexOf(stickyNode(function, stickyValue(mode.key(), request), candidates));
    };
    List<String> ordered = new ArrayList<>(n);
    ordered.add(candidates.get(chosen));
    for (int i = 1; i < n; i++) {
      ordered.add(candidates.get((chosen + i) % n));
    }
    if (mode.kind() == NodeMode.Kind.RANDOM) {
      Collections.shuffle(ordered.subList(1, n), ThreadLocalRandom.current());
    }
    return ordered;
  }

  /**
   * What {@link #order} would do for this call, without doing it (no round-robin turn taken, no sticky node kept).
   *
   * @return {@code {"serving":[…], "choose_node_mode":…, "chosen": node or null}}; {@code chosen} is {@code null}
   *   when no node serves it, and for a random pick or a sticky key not assigned yet, made when the call comes
   */
  JsonObject preview(FunConfig function, Request request) {
    List<String> candidates = nodes.serving(function);
    Collections.sort(candidates);
    NodeMode mode = function.nodeMode();
    String chosen = null;
    if (candidates.size() == 1) {
      chosen = candidates.get(0);
    } else if (!candidates.isEmpty()) {
      int n = candidates.size();
      Object hashKey = mode.key() == null ? null : request.args().getValue(mode.key());
      chosen = switch (mode.kind()) {
        case RANDOM -> null;
        case HASH -> hashKey == null ? null : candidates.get(hash(hashKey, n));
        case ROUND_ROBIN -> {
          AtomicInteger turn = roundRobin.get(function.key());
          yield candidates.get(Math.floorMod(turn == null ? 0 : turn.get(), n));
        }
        case STICKY -> {
          String value = stickyValue(mode.key(), request);
          StickyTable table = sticky.get(function.key());
          yield value == null || table == null ? null : table.peek(value, candidates, System.nanoTime());
        }
      };
    }
    return new JsonObject().put("serving", new JsonArray(candidates))
      .put("choose_node_mode", function.toJson().getValue("choose_node_mode")).put("chosen", chosen);
  }

  private static int hash(Object key, int n) {
    return key == null ? ThreadLocalRandom.current().nextInt(n) : Math.floorMod(String.valueOf(key).hashCode(), n);
  }

  private static String stickyValue(String key, Request request) {
    Object value = request.args().getValue(key);
    if (value != null) {
      return String.valueOf(value);
    }
    return "user_id".equals(key) ? request.userId() : "device_id".equals(key) ? request.deviceId() : null;
  }

  private String stickyNode(FunConfig function, String value, List<String> candidates) {
    if (value == null) {
      return candidates.get(ThreadLocalRandom.current().nextInt(candidates.size()));
    }
    return sticky.computeIfAbsent(function.key(), k -> new StickyTable(MAX_STICKY_KEYS, STICKY_TTL_NANOS))
      .node(value, candidates, System.nanoTime());
  }
}
