package dev.genapi.config;

import dev.genapi.api.FunConfig;
import dev.genapi.api.InvalidConfigException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The gateway side of pushes and of the registry's admin operations: checks the service's push token, skips a
 * {@code config_version} already stored whose functions are all in the registry (restoring those that are not), and
 * writes the valid FunConfigs to the cluster registry; invalid ones are recorded as failed configs with their
 * reasons. {@code verify} compares the functions actually in the registry with the digests of the service record.
 */
final class ConfigServiceImpl implements ConfigService {

  private static final Logger LOG = LoggerFactory.getLogger(ConfigServiceImpl.class);

  private final ConfigStore store;
  private final ServiceTokens tokens;

  ConfigServiceImpl(ConfigStore store, ServiceTokens tokens) {
    this.store = store;
    this.tokens = tokens;
  }

  @Override
  public Future<JsonObject> push(PushConfig config, boolean force) {
    List<String> errors = config.validate();
    if (!errors.isEmpty()) {
      return Future.failedFuture(new InvalidConfigException(errors));
    }
    if (!tokens.accepts(config.getService(), config.getPushToken())) {
      return refused();
    }
    return store.service(config.getService()).compose(stored -> {
      if (force || stored == null || !config.getConfigVersion().equals(stored.getString("config_version"))) {
        return store(config);
      }
      return store.functions(config.getService(), ServiceDigests.keys(stored)).compose(entries -> {
        List<String> damaged = ServiceDigests.damaged(stored, entries);
        return damaged.isEmpty()
          ? Future.succeededFuture(new JsonObject().put("status", "skipped").put("reason", "version_matches"))
          : restore(config, stored, entries, damaged);
      });
    });
  }

  @Override
  public Future<JsonObject> verify(String service, String configVersion, String pushToken) {
    if (!tokens.accepts(service, pushToken)) {
      return refused();
    }
    return store.service(service).compose(stored -> {
      if (stored == null) {
        return Future.succeededFuture(new JsonObject().put("status", "not_found"));
      }
      return store.functions(service, ServiceDigests.keys(stored)).map(entries -> {
        List<String> damaged = ServiceDigests.damaged(stored, entries);
        String version = stored.getString("config_version");
        if (!damaged.isEmpty()) {
          return new JsonObject().put("status", "not_found").put("damaged", new JsonArray(damaged));
        }
        return version.equals(configVersion)
          ? new JsonObject().put("status", "matched")
          : new JsonObject().put("status", "mismatch").put("stored", version);
      });
    });
  }

  @Override
  public Future<JsonObject> setDisabled(String service, String requestType, String version, boolean disabled,
                                        String pushToken) {
    if (!tokens.accepts(service, pushToken)) {
      return refused();
    }
    return store.setDisabled(service, FunConfig.key(service, requestType, version), disabled)
      .map(found -> new JsonObject().put("status", !found ? "not_found" : disabled ? "disabled" : "enabled"));
  }

  @Override
  public Future<JsonObject> delete(String service, String requestType, String version, String pushToken) {
    if (!tokens.accepts(service, pushToken)) {
      return refused();
    }
    String key = FunConfig.key(service, requestType, version);
    return store.deleteFunction(key)
      .compose(found -> store.forgetFunction(service, key).map(found))
      .map(found -> new JsonObject().put("status", found ? "deleted" : "not_found"));
  }

  @Override
  public Future<JsonArray> services() {
    return store.services().map(list -> new JsonArray(list.stream()
      .sorted(Comparator.comparing(s -> s.getString("service"))).map(s -> {
        s.remove("digests");
        return s;
      }).toList()));
  }

  @Override
  public Future<JsonArray> failedConfigs() {
    return store.failures().map(list -> new JsonArray(list.stream()
      .sorted(Comparator.comparing((JsonObject f) -> f.getLong("inserted_at")).reversed()).toList()));
  }

  private static Future<JsonObject> refused() {
    return Future.failedFuture(new InvalidConfigException(List.of("invalid push token")));
  }

  private Future<JsonObject> store(PushConfig config) {
    Registration registration = Registration.of(config.getService(), config.getFunConfigs(), "push",
      String.join(",", config.getNodes()));
    if (registration.accepted().isEmpty()) {
      return registration.recordFailures(store).compose(v -> Future.failedFuture(new InvalidConfigException(
        List.of("every fun_config is invalid: " + registration.rejected().encode()))));
    }
    JsonObject record = registration.serviceRecord(config.getConfigVersion(), config.getNodes());
    return registration.recordFailures(store)
      .compose(v -> store.putFunctions(config.getService(), registration.accepted()))
      .compose(v -> store.putService(config.getService(), record))
      .map(v -> {
        LOG.info("Push of {} config_version {}: {} accepted, {} rejected", config.getService(),
          config.getConfigVersion(), registration.accepted().size(), registration.rejected().size());
        return new JsonObject().put("status", "accepted").put("accepted", record.getJsonArray("functions"))
          .put("rejected", registration.rejected());
      });
  }

  /**
   * A push of the stored {@code config_version} while some of its functions are missing or changed (a member died
   * with the only copy, or someone wrote the map directly): stores those again from the push, keeping an operator's
   * disable; the functions an operator deleted are not in the record and stay deleted.
   */
  private Future<JsonObject> restore(PushConfig config, JsonObject stored, Map<String, String> entries,
                                     List<String> damaged) {
    Map<String, String> pushed = Registration.of(config.getService(), config.getFunConfigs(), "push",
      String.join(",", config.getNodes())).accepted();
    Map<String, String> restored = new TreeMap<>();
    List<String> lost = new ArrayList<>();
    for (String key : damaged) {
      if (pushed.containsKey(key)) {
        restored.put(key, ServiceDigests.restored(pushed.get(key), entries.get(key)));
      } else {
        lost.add(key);
      }
    }
    return store.putFunctions(config.getService(), restored)
      .compose(v -> store.putService(config.getService(), ServiceDigests.repaired(stored, restored, lost)))
      .map(v -> {
        LOG.info("Push of {} config_version {} restored {} to the registry{}", config.getService(),
          config.getConfigVersion(), restored.keySet(), lost.isEmpty() ? "" : "; no longer pushed: " + lost);
        return new JsonObject().put("status", "accepted").put("accepted", new JsonArray(List.copyOf(restored.keySet())))
          .put("rejected", new JsonArray()).put("restored", true);
      });
  }
}
