package dev.genapi.config;

import dev.genapi.api.FunConfig;
import dev.genapi.api.InvalidConfigException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * The gateway side of pushes: validates, skips a {@code config_version} already stored, and writes the valid
 * FunConfigs to the cluster registry (a push with some invalid FunConfigs stores the valid ones and lists the rest).
 */
final class ConfigServiceImpl implements ConfigService {

  private static final Logger LOG = Logger.getLogger(ConfigServiceImpl.class.getName());

  private final ConfigStore store;

  ConfigServiceImpl(ConfigStore store) {
    this.store = store;
  }

  @Override
  public Future<JsonObject> push(PushConfig config, boolean force) {
    List<String> errors = config.validate();
    if (!errors.isEmpty()) {
      return Future.failedFuture(new InvalidConfigException(errors));
    }
    return store.service(config.getService()).compose(stored -> {
      if (!force && stored != null && config.getConfigVersion().equals(stored.getString("config_version"))) {
        return Future.succeededFuture(new JsonObject().put("status", "skipped").put("reason", "version_matches"));
      }
      return store(config);
    });
  }

  @Override
  public Future<JsonObject> verify(String service, String configVersion) {
    return store.service(service).map(stored -> {
      if (stored == null) {
        return new JsonObject().put("status", "not_found");
      }
      String version = stored.getString("config_version");
      return version.equals(configVersion)
        ? new JsonObject().put("status", "matched")
        : new JsonObject().put("status", "mismatch").put("stored", version);
    });
  }

  private Future<JsonObject> store(PushConfig config) {
    Map<String, String> accepted = new HashMap<>();
    JsonArray rejected = new JsonArray();
    for (Object item : config.getFunConfigs()) {
      JsonObject json = item instanceof JsonObject object ? object : new JsonObject();
      try {
        FunConfig function = FunConfig.fromJson(json);
        if (!function.service().equals(config.getService())) {
          throw new InvalidConfigException(List.of("service must be \"" + config.getService() + "\" as in the push"));
        }
        accepted.put(function.key(), function.toJson().encode());
      } catch (InvalidConfigException e) {
        rejected.add(new JsonObject().put("request_type", json.getValue("request_type"))
          .put("version", json.getValue("version")).put("reasons", new JsonArray(e.reasons())));
      }
    }
    if (accepted.isEmpty()) {
      return Future.failedFuture(new InvalidConfigException(List.of("every fun_config is invalid: " + rejected.encode())));
    }
    JsonObject record = new JsonObject().put("config_version", config.getConfigVersion())
      .put("nodes", new JsonArray(config.getNodes())).put("pushed_at", System.currentTimeMillis());
    return store.putFunctions(accepted)
      .compose(v -> store.putService(config.getService(), record))
      .map(v -> {
        LOG.info("Push of " + config.getService() + " config_version " + config.getConfigVersion() + ": "
          + accepted.size() + " accepted, " + rejected.size() + " rejected");
        return new JsonObject().put("status", "accepted").put("accepted", new JsonArray(List.copyOf(accepted.keySet())))
          .put("rejected", rejected);
      });
  }
}
