package dev.genapi.node;

import dev.genapi.api.FunConfig;
import dev.genapi.cluster.Addresses;
import dev.genapi.cluster.ClusterSupport;
import dev.genapi.cluster.Seal;
import dev.genapi.config.ConfigService;
import dev.genapi.config.PushConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The node side of pushes and pulls: one {@link PushConfig} per service, sent through the {@link ConfigService} proxy. The
 * {@code config_version} is the configured one, or a digest of the FunConfigs, so a node that changes its functions
 * pushes a new version by itself. Once registered, the node verifies its services on an interval and pushes again
 * when the registry lost one or some of its functions (members died with every copy, or entries were removed behind
 * its back; the gateway restores what is missing), and pushes again after its JVM merged back into the cluster after
 * a split (what it pushed on the smaller side was discarded). It also answers gateways' pulls.
 */
public final class ConfigPusher {

  private static final Logger LOG = LoggerFactory.getLogger(ConfigPusher.class);
  private static final long MAX_RETRY_MS = 10_000;

  private final Vertx vertx;
  private final ServiceNodeOptions options;
  private final Supplier<List<FunConfig>> functions;
  private final ConfigService service;
  private final Seal pullSeal;
  private long retryTimer = -1;
  private long verifyTimer = -1;
  private UUID mergeListener;
  private boolean verifying;
  private volatile boolean stopped;

  /**
   * @param vertx a clustered Vert.x instance
   * @param options the pushing node's options (name, config version, push token, verify interval)
   * @param functions the node's current FunConfigs, of one or more services
   */
  public ConfigPusher(Vertx vertx, ServiceNodeOptions options, Supplier<List<FunConfig>> functions) {
    this.vertx = vertx;
    this.options = options;
    this.functions = functions;
    this.service = ConfigService.createProxy(vertx);
    this.pullSeal = Seal.of(options.getPushToken());
  }

  /**
   * @param force re-apply even when the same {@code config_version} is stored
   * @return the gateway's answer per service
   */
  public Future<JsonObject> push(boolean force) {
    JsonObject answers = new JsonObject();
    List<Future<?>> pushes = new ArrayList<>();
    byService().forEach((name, configs) -> pushes.add(service.push(pushConfig(name, configs), force)
      .onSuccess(answer -> answers.put(name, answer))));
    return Future.all(pushes).map(v -> answers);
  }

  /**
   * @param name a service of this node
   * @return the push this node makes for it, or {@code null} when it serves no function of that service
   */
  public PushConfig pushConfig(String name) {
    List<FunConfig> configs = byService().get(name);
    return configs == null ? null : pushConfig(name, configs);
  }

  /**
   * Pushes until a gateway accepts, then verifies on an interval and pushes again after each merge; the future
   * completes with the first answer.
   */
  Future<JsonObject> pushUntilAccepted() {
    Promise<JsonObject> accepted = Promise.promise();
    attempt(options.getPushRetryMs(), accepted);
    return accepted.future().onSuccess(v -> {
      if (!stopped) {
        verifyTimer = vertx.setPeriodic(options.getVerifyIntervalMs(), id -> verify());
        mergeListener = ClusterSupport.onMerged(ClusterSupport.hazelcast(vertx), () -> vertx.runOnContext(x -> {
          LOG.info("Node {} merged back into the cluster after a split; pushing its functions again",
            options.getName());
          attempt(options.getPushRetryMs(), Promise.promise());
        }));
      }
    });
  }

  void stop() {
    stopped = true;
    vertx.cancelTimer(retryTimer);
    vertx.cancelTimer(verifyTimer);
    if (mergeListener != null) {
      ClusterSupport.unlisten(() -> ClusterSupport.hazelcast(vertx).getLifecycleService()
        .removeLifecycleListener(mergeListener));
    }
  }

  private void attempt(long delay, Promise<JsonObject> accepted) {
    if (stopped) {
      accepted.tryFail("node stopped before its functions were pushed");
      return;
    }
    push(false)
      .onSuccess(answers -> {
        LOG.info("Node {} pushed its functions: {}", options.getName(), answers.encode());
        accepted.tryComplete(answers);
      })
      .onFailure(e -> {
        LOG.debug("Push from node {} failed, retrying in {} ms: {}", options.getName(), delay, e.getMessage());
        retryTimer = vertx.setTimer(delay, id -> attempt(Math.min(delay * 2, MAX_RETRY_MS), accepted));
      });
  }

  /** Verifies every service, unless the previous round is still waiting for its answers. */
  private void verify() {
    if (verifying) {
      return;
    }
    verifying = true;
    List<Future<?>> rounds = new ArrayList<>();
    byService().forEach((name, configs) -> rounds.add(verify(name, pushConfig(name, configs))));
    Future.join(rounds).onComplete(done -> verifying = false);
  }

  private Future<?> verify(String name, PushConfig push) {
    return service.verify(name, push.getConfigVersion(), push.getPushToken())
      .compose(answer -> "not_found".equals(answer.getString("status"))
        ? service.push(push, false).onSuccess(a -> LOG.info("Registry lost {}service {}; node {} pushed it again: {}",
          answer.containsKey("damaged") ? "functions " + answer.getJsonArray("damaged").encode() + " of " : "",
          name, options.getName(), a.encode()))
        : Future.succeededFuture())
      .onFailure(e -> LOG.debug("Verify of {} failed: {}", name, e.getMessage()));
  }

  private Map<String, List<FunConfig>> byService() {
    return functions.get().stream()
      .collect(Collectors.groupingBy(FunConfig::service, TreeMap::new, Collectors.toList()));
  }

  /**
   * Answers a gateway's pull of one service: its FunConfigs, or only its {@code config_version}, sealed with the push
   * token and the pull's nonce so that the gateway can tell the answer came from a node of the service.
   */
  void answerPull(Message<Object> message, String action, String node) {
    String service = String.valueOf(message.headers().get(Addresses.HEADER_SERVICE));
    PushConfig config = pushConfig(service);
    if (config == null) {
      message.fail(404, "node " + node + " serves no function of " + service);
      return;
    }
    Buffer body = (Addresses.ACTION_VERSION.equals(action)
      ? new JsonObject().put("config_version", config.getConfigVersion())
      : config.toJson().put("push_token", null)).toBuffer();
    String mac = pullSeal.mac(action, service, String.valueOf(message.headers().get(Addresses.HEADER_NONCE)),
      body.toString());
    message.reply(body, mac == null ? new DeliveryOptions() : new DeliveryOptions().addHeader(Addresses.HEADER_SEAL, mac));
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
