package dev.genapi.config;

import dev.genapi.api.FunConfig;
import io.vertx.codegen.annotations.DataObject;
import io.vertx.codegen.annotations.GenIgnore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * What a service node pushes: its service, the version of its whole configuration, its node names and its
 * FunConfigs. A push with the {@code config_version} already stored is skipped unless forced.
 * <pre>{@code {"service":"demo","config_version":"7","nodes":["node-a"],"fun_configs":[{...}, ...],
 *  "push_token":null}}</pre>
 */
@DataObject
public final class PushConfig {

  private String service;
  private String configVersion;
  private List<String> nodes = new ArrayList<>();
  private JsonArray funConfigs = new JsonArray();
  private String pushToken;

  /** An empty push. */
  public PushConfig() {
  }

  /** @param json the JSON form */
  public PushConfig(JsonObject json) {
    service = json.getValue("service") instanceof String s ? s : null;
    configVersion = json.getValue("config_version") instanceof String v ? v : null;
    if (json.getValue("nodes") instanceof JsonArray array) {
      nodes = array.stream().map(String::valueOf).toList();
    }
    if (json.getValue("fun_configs") instanceof JsonArray array) {
      funConfigs = array;
    }
    pushToken = json.getValue("push_token") instanceof String t ? t : null;
  }

  /** @return the JSON form */
  public JsonObject toJson() {
    return new JsonObject().put("service", service).put("config_version", configVersion)
      .put("nodes", new JsonArray(nodes)).put("fun_configs", funConfigs).put("push_token", pushToken);
  }

  /**
   * @return every problem of this push (empty when valid); the FunConfigs themselves are checked one by one later
   */
  public List<String> validate() {
    List<String> errors = new ArrayList<>();
    if (service == null || service.isEmpty()) {
      errors.add("service must be a non-empty string");
    }
    if (configVersion == null || configVersion.isEmpty()) {
      errors.add("config_version must be a non-empty string");
    }
    if (funConfigs.isEmpty()) {
      errors.add("fun_configs must be a non-empty list");
    }
    return errors;
  }

  /** @return the service every FunConfig belongs to */
  public String getService() { return service; }

  /** @param service the service @return a reference to this, so the API can be used fluently */
  public PushConfig setService(String service) {
    this.service = service;
    return this;
  }

  /** @return the version of the whole configuration */
  public String getConfigVersion() { return configVersion; }

  /** @param configVersion the configuration version @return a reference to this, so the API can be used fluently */
  public PushConfig setConfigVersion(String configVersion) {
    this.configVersion = configVersion;
    return this;
  }

  /** @return the names of the nodes pushing */
  public List<String> getNodes() { return nodes; }

  /** @param nodes the names of the nodes pushing @return a reference to this, so the API can be used fluently */
  public PushConfig setNodes(List<String> nodes) {
    this.nodes = List.copyOf(nodes);
    return this;
  }

  /** @return the FunConfigs, in JSON form */
  public JsonArray getFunConfigs() { return funConfigs; }

  /** @param funConfigs FunConfigs in JSON form @return a reference to this, so the API can be used fluently */
  public PushConfig setFunConfigs(JsonArray funConfigs) {
    this.funConfigs = funConfigs;
    return this;
  }

  /** @param configs the FunConfigs @return a reference to this, so the API can be used fluently */
  @GenIgnore
  public PushConfig setFunctions(List<FunConfig> configs) {
    this.funConfigs = new JsonArray(configs.stream().map(FunConfig::toJson).toList());
    return this;
  }

  /** @return the push token, or {@code null} */
  public String getPushToken() { return pushToken; }

  /** @param pushToken the push token @return a reference to this, so the API can be used fluently */
  public PushConfig setPushToken(String pushToken) {
    this.pushToken = pushToken;
    return this;
  }
}
