package dev.genapi.config;

import dev.genapi.api.FunConfig;
import dev.genapi.api.InvalidConfigException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The FunConfigs of one service, as a push or a pull delivered them, split into the valid ones to store and the
 * rejected ones with their reasons.
 *
 * @param service the service the FunConfigs must belong to
 * @param source {@code push} or {@code pull}
 * @param accepted valid FunConfigs by key, as JSON text
 * @param rejected {@code {"request_type","version","reasons"}} of each invalid FunConfig
 * @param failures the failed-config records of the rejected ones
 */
record Registration(String service, String source, Map<String, String> accepted, JsonArray rejected, List<JsonObject> failures) {

  static Registration of(String service, JsonArray funConfigs, String source, String node) {
    Map<String, String> accepted = new TreeMap<>();
    JsonArray rejected = new JsonArray();
    List<JsonObject> failures = new java.util.ArrayList<>();
    for (Object item : funConfigs) {
      JsonObject json = item instanceof JsonObject object ? object : new JsonObject();
      try {
        FunConfig function = FunConfig.fromJson(json);
        if (!function.service().equals(service)) {
          throw new InvalidConfigException(List.of("service must be \"" + service + "\" as in the push or pull"));
        }
        accepted.put(function.key(), function.toJson().encode());
      } catch (InvalidConfigException e) {
        JsonObject reason = new JsonObject().put("request_type", json.getValue("request_type"))
          .put("version", json.getValue("version")).put("reasons", new JsonArray(e.reasons()));
        rejected.add(reason);
        failures.add(reason.copy().put("id", UUID.randomUUID().toString()).put("service", service)
          .put("source", source).put("node", node).put("config", json).put("inserted_at", System.currentTimeMillis()));
      }
    }
    return new Registration(service, source, accepted, rejected, failures);
  }

  JsonObject serviceRecord(String configVersion, List<String> nodes) {
    return new JsonObject().put("service", service).put("source", source).put("config_version", configVersion)
      .put("nodes", new JsonArray(nodes)).put("functions", new JsonArray(List.copyOf(accepted.keySet())))
      .put("digests", ServiceDigests.digests(accepted)).put("updated_at", System.currentTimeMillis());
  }

  Future<Void> recordFailures(ConfigStore store) {
    return Future.all(failures.stream().map(store::recordFailure).toList()).mapEmpty();
  }
}
