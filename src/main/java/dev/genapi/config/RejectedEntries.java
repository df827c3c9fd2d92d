package dev.genapi.config;

import dev.genapi.metrics.GenApiMetrics;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a gateway does with a registry entry it will not serve: it counts it ({@code genapi.registry.rejected}), warns
 * once, and records it among the failed configs (source {@code registry}) under an id every gateway derives alike,
 * so that a cluster of gateways records it once.
 */
final class RejectedEntries {

  private static final Logger LOG = LoggerFactory.getLogger(RejectedEntries.class);
  private static final int MAX_REMEMBERED = 10_000;
  private static final int MAX_SHOWN_CHARS = 10_000;

  private final ConfigStore store;
  private final GenApiMetrics metrics;
  private final Set<String> warned = ConcurrentHashMap.newKeySet();

  RejectedEntries(ConfigStore store, GenApiMetrics metrics) {
    this.store = store;
    this.metrics = metrics;
  }

  /**
   * @param key the entry's key in the function map
   * @param json the entry's JSON (its seal stripped), as far as it could be read
   * @param reason why it is not served
   */
  void reject(String key, String json, String reason) {
    metrics.rejectedEntry(GenApiMetrics.FUNCTIONS_MAP);
    String id = "registry:" + key + ":" + ServiceDigests.digest(json);
    if (warned.size() >= MAX_REMEMBERED) {
      warned.clear();
    }
    if (!warned.add(id)) {
      return;
    }
    LOG.warn("Not serving registry entry {}: {}", key, reason);
    JsonObject failure = new JsonObject().put("id", id).put("source", "registry").put("node", null)
      .put("reasons", new JsonArray().add(reason)).put("inserted_at", System.currentTimeMillis());
    try {
      JsonObject config = new JsonObject(json);
      failure.put("service", config.getValue("service")).put("request_type", config.getValue("request_type"))
        .put("version", config.getValue("version")).put("config", config);
    } catch (RuntimeException e) {
      failure.put("config", json.length() > MAX_SHOWN_CHARS ? json.substring(0, MAX_SHOWN_CHARS) : json);
    }
    store.recordFailure(failure)
      .onFailure(e -> LOG.warn("Recording the rejected registry entry {} failed: {}", key, e.getMessage()));
  }
}
