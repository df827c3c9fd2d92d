package dev.genapi.config;

import dev.genapi.api.FunConfig;
import dev.genapi.api.InvalidConfigException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.List;

/**
 * The gateway side of pushes and of the registry's admin operations: checks the push token, skips a
 * {@code config_version} already stored, and writes the valid FunConfigs to the cluster registry; invalid ones are
 * recorded as failed configs with their reasons.
 */
final class ConfigServiceImpl implements ConfigService {

  private static final Logger LOG = LoggerFactory.getLogger(ConfigServiceImpl.class);

  private final ConfigStore store;
  private final byte[] pushToken;

  ConfigServiceImpl(ConfigStore store, String pushToken) {
    this.store = store;
    this.pushToken = pushToken == null ? null : pushToken.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public Future<JsonObject> push(PushConfig config, boolean force) {
    List<String> errors = config.validate();
    if (!errors.isEmpty()) {
      return Future.failedFuture(new InvalidConfigException(errors));
    }
    if (!tokenAccepted(config.getPushToken())) {
      return Future.failedFuture(new InvalidConfigException(List.of("invalid push token")));
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

  @Override
  public Future<JsonObject> setDisabled(String service, String requestType, String version, boolean disabled) {
    return store.setDisabled(FunConfig.key(service, requestType, version), disabled)
      .map(found -> new JsonObject().put("status", !found ? "not_found" : disabled ? "disabled" : "enabled"));
  }

  @Override
  public Future<JsonObject> delete(String service, String requestType, String version) {
    return store.deleteFunction(FunConfig.key(service, requestType, version))
      .map(found -> new JsonObject().put("status", found ? "deleted" : "not_found"));
  }

  @Override
  public Future<JsonArray> services() {
    return store.services().map(list -> new JsonArray(list.stream()
      .sorted(Comparator.comparing(s -> s.getString("service"))).toList()));
  }

  @Override
  public Future<JsonArray> failedConfigs() {
    return store.failures().map(list -> new JsonArray(list.stream()
      .sorted(Comparator.comparing((JsonObject f) -> f.getLong("inserted_at")).reversed()).toList()));
  }

  private boolean tokenAccepted(String given) {
    return pushToken == null
      || given != null && MessageDigest.isEqual(pushToken, given.getBytes(StandardCharsets.UTF_8));
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
      .compose(v -> store.putFunctions(registration.accepted()))
      .compose(v -> store.putService(config.getService(), record))
      .map(v -> {
        LOG.info("Push of {} config_version {}: {} accepted, {} rejected", config.getService(),
          config.getConfigVersion(), registration.accepted().size(), registration.rejected().size());
        return new JsonObject().put("status", "accepted").put("accepted", record.getJsonArray("functions"))
          .put("rejected", registration.rejected());
      });
  }
}
