package dev.genapi.node;

import dev.genapi.api.FunConfig;
import dev.genapi.config.ConfigService;
import dev.genapi.config.PushConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * The node side of pushes: one {@link PushConfig} per service, sent through the {@link ConfigService} proxy. The
 * {@code config_version} is the configured one, or a digest of the FunConfigs, so a node that changes its functions
 * pushes a new version by itself.
 */
public final class ConfigPusher {

  private static final Logger LOG = Logger.getLogger(ConfigPusher.class.getName());
  private static final long MAX_RETRY_MS = 10_000;

  private final Vertx vertx;
  private final ServiceNodeOptions options;
  private final ConfigService service;
  private long retryTimer = -1;
  private boolean stopped;

  /**
   * @param vertx a clustered Vert.x instance
   * @param options the pushing node's options (name, config version, push token)
   */
  public ConfigPusher(Vertx vertx, ServiceNodeOptions options) {
    this.vertx = vertx;
    this.options = options;
    this.service = ConfigService.createProxy(vertx);
  }

  /**
   * @param functions the FunConfigs to push, of one or more services
   * @param force re-apply even when the same {@code config_version} is stored
   * @return the gateway's answer per service
   */
  public Future<JsonObject> push(List<FunConfig> functions, boolean force) {
    Map<String, List<FunConfig>> byService = functions.stream()
      .collect(Collectors.groupingBy(FunConfig::service, TreeMap::new, Collectors.toList()));
    JsonObject answers = new JsonObject();
    List<Future<?>> pushes = new ArrayList<>();
    byService.forEach((name, configs) -> pushes.add(service.push(pushConfig(name, configs), force)
      .onSuccess(answer -> answers.put(name, answer))));
    return Future.all(pushes).map(v -> answers);
  }

  Future<JsonObject> pushUntilAccepted(List<FunConfig> functions) {
    Promise<JsonObject> accepted = Promise.promise();
    attempt(functions, options.getPushRetryMs(), accepted);
    return accepted.future();
  }

  void stop() {
    stopped = true;
    vertx.cancelTimer(retryTimer);
  }

  private void attempt(List<FunConfig> functions, long delay, Promise<JsonObject> accepted) {
    if (stopped) {
      accepted.tryFail("node stopped before its functions were pushed");
      return;
    }
    push(functions, false)
      .onSuccess(answers -> {
        LOG.info("Node " + options.getName() + " pushed its functions: " + answers.encode());
        accepted.tryComplete(answers);
      })
      .onFailure(e -> {
        LOG.fine("Push from node " + options.getName() + " failed, retrying in " + delay + " ms: " + e.getMessage());
        retryTimer = vertx.setTimer(delay, id -> attempt(functions, Math.min(delay * 2, MAX_RETRY_MS), accepted));
      });
  }

  private PushConfig pushConfig(String name, List<FunConfig> configs) {
    List<FunConfig> sorted = configs.stream().sorted(Comparator.comparing(FunConfig::key)).toList();
    String version = options.getConfigVersion() != null ? options.getConfigVersion() : digest(sorted);
    return new PushConfig().setService(name).setConfigVersion(version).setNodes(List.of(options.getName()))
      .setFunctions(sorted).setPushToken(options.getPushToken());
  }

  private static String digest(List<FunConfig> configs) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      configs.forEach(c -> sha.update(c.toJson().encode().getBytes(StandardCharsets.UTF_8)));
      return HexFormat.of().formatHex(sha.digest(), 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }
}
