package dev.genapi.bench;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.LocalMapStats;
import dev.genapi.cluster.Addresses;
import dev.genapi.cluster.ClusterSupport;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the members of a scale probe exchange: event-bus messages per address family, counted by interceptors on
 * every member (a publish is one send, and one receive per handler that takes it; text and JSON bodies are also
 * counted in characters of their encoding, codec bodies not), and Hazelcast's own statistics of GenApi's cluster
 * maps, summed over the members.
 */
final class ScaleCounters {

  static final List<String> MAPS = List.of(Addresses.FUNCTIONS_MAP, Addresses.SERVICES_MAP,
    Addresses.SETTINGS_MAP, Addresses.NODES_MAP, Addresses.RELAY_GROUPS_MAP, Addresses.FAILED_MAP);

  private final Map<String, LongAdder> sent = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> received = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> sentChars = new ConcurrentHashMap<>();
  private final List<Vertx> members;

  ScaleCounters(List<Vertx> members) {
    this.members = members;
    for (Vertx member : members) {
      member.eventBus().addOutboundInterceptor(delivery -> {
        count(sent, delivery.message().address());
        Object body = delivery.message().body();
        long chars = body instanceof String text ? text.length()
          : body instanceof JsonObject json ? json.encode().length() : 0;
        sentChars.computeIfAbsent(family(delivery.message().address()), f -> new LongAdder()).add(chars);
        delivery.next();
      });
      member.eventBus().addInboundInterceptor(delivery -> {
        count(received, delivery.message().address());
        delivery.next();
      });
    }
  }

  /** @return the counters now: {@code eventbus} by family {@code {sent, received}}, {@code maps} by name */
  JsonObject snapshot() {
    JsonObject bus = new JsonObject();
    new TreeMap<>(sent).forEach((family, count) -> bus.put(family, new JsonObject().put("sent", count.sum())
      .put("sent_chars", sentChars.getOrDefault(family, new LongAdder()).sum())
      .put("received", received.getOrDefault(family, new LongAdder()).sum())));
    received.forEach((family, count) -> {
      if (!bus.containsKey(family)) {
        bus.put(family, new JsonObject().put("sent", 0L).put("received", count.sum()));
      }
    });
    JsonObject maps = new JsonObject();
    for (String name : MAPS) {
      long[] sum = new long[8];
      for (Vertx member : members) {
        HazelcastInstance hazelcast = ClusterSupport.hazelcast(member);
        LocalMapStats stats = hazelcast.getMap(name).getLocalMapStats();
        long[] one = {stats.getOwnedEntryCount(), stats.getOwnedEntryMemoryCost(), stats.getBackupEntryCount(),
          stats.getPutOperationCount(), stats.getSetOperationCount(), stats.getGetOperationCount(),
          stats.getRemoveOperationCount(), stats.getEventOperationCount()};
        for (int i = 0; i < sum.length; i++) {
          sum[i] += one[i];
        }
      }
      maps.put(name, new JsonObject().put("entries", sum[0]).put("bytes", sum[1]).put("backup_entries", sum[2])
        .put("puts", sum[3]).put("sets", sum[4]).put("gets", sum[5]).put("removes", sum[6]).put("events", sum[7]));
    }
    return new JsonObject().put("eventbus", bus).put("maps", maps);
  }

  /**
   * @return per second between two snapshots: event-bus messages by family, map operations by name; entries and
   *   bytes as they are at the end
   */
  static JsonObject rates(JsonObject before, JsonObject after, long millis) {
    JsonObject bus = new JsonObject();
    JsonObject was = before.getJsonObject("eventbus");
    after.getJsonObject("eventbus").forEach(entry -> {
      JsonObject now = (JsonObject) entry.getValue();
      JsonObject then = was.getJsonObject(entry.getKey(), new JsonObject());
      bus.put(entry.getKey(), new JsonObject()
        .put("sent_per_s", perSecond(now.getLong("sent") - then.getLong("sent", 0L), millis))
        .put("received_per_s", perSecond(now.getLong("received") - then.getLong("received", 0L), millis))
        .put("sent_chars_per_s", perSecond(now.getLong("sent_chars", 0L) - then.getLong("sent_chars", 0L), millis)));
    });
    JsonObject maps = new JsonObject();
    after.getJsonObject("maps").forEach(entry -> {
      JsonObject now = (JsonObject) entry.getValue();
      JsonObject then = before.getJsonObject("maps").getJsonObject(entry.getKey());
      JsonObject rate = new JsonObject().put("entries", now.getLong("entries")).put("bytes", now.getLong("bytes"));
      for (String op : List.of("puts", "sets", "gets", "removes", "events")) {
        rate.put(op + "_per_s", perSecond(now.getLong(op) - then.getLong(op), millis));
      }
      maps.put(entry.getKey(), rate);
    });
    return new JsonObject().put("eventbus", bus).put("maps", maps);
  }

  private static double perSecond(long count, long millis) {
    return Math.round(count * 10_000.0 / millis) / 10.0;
  }

  private static void count(Map<String, LongAdder> counts, String address) {
    counts.computeIfAbsent(family(address), f -> new LongAdder()).increment();
  }

  /** @return the address with its per-node, per-gateway or per-reply part replaced by {@code *} */
  static String family(String address) {
    if (address.startsWith(Addresses.RATE_LIMIT_GATEWAY_PREFIX)) {
      return Addresses.RATE_LIMIT_GATEWAY_PREFIX + "*";
    }
    for (String prefix : List.of(Addresses.NODE_PREFIX, Addresses.GATEWAY_PREFIX, "__vertx.reply.")) {
      if (address.startsWith(prefix)) {
        return prefix + "*";
      }
    }
    return address;
  }
}
