package dev.genapi.config;

import dev.genapi.cluster.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Pulls the FunConfigs of the services listed in {@code service_configs} from their nodes: shortly after start, then
 * on an interval, each service on its own schedule with exponential backoff while it fails. With a version check, an
 * unchanged {@code config_version} skips the pull; functions that vanished from a node's answer are removed.
 */
final class ConfigPuller {

  private static final Logger LOG = LoggerFactory.getLogger(ConfigPuller.class);

  private final Vertx vertx;
  private final ConfigStore store;
  private final ConfigOptions options;
  private final ServiceTokens tokens;
  private final Map<String, PulledService> services = new ConcurrentHashMap<>();
  private volatile boolean stopped;

  ConfigPuller(Vertx vertx, ConfigStore store, ConfigOptions options, ServiceTokens tokens) {
    this.vertx = vertx;
    this.store = store;
    this.options = options;
    this.tokens = tokens;
  }

  void start() {
    for (Object item : options.getServiceConfigs()) {
      JsonObject config = (JsonObject) item;
      PulledService service = new PulledService(config.getString("service"),
        config.getJsonArray("nodes", new JsonArray()).stream().map(String::valueOf).toList(),
        config.getBoolean("version_check", true));
      services.put(service.name, service);
      schedule(service, options.getFirstPullMs());
    }
  }

  void stop() {
    stopped = true;
    services.values().forEach(service -> vertx.cancelTimer(service.timer));
  }

  /** @return per service: last result, consecutive failures, last version, next delay */
  JsonObject status() {
    JsonObject status = new JsonObject();
    services.forEach((name, service) -> status.put(name, new JsonObject().put("last_result", service.lastResult)
      .put("failures", service.failures).put("config_version", service.version).put("next_pull_ms", service.nextDelay)
      .put("error", service.error)));
    return status;
  }

  private void schedule(PulledService service, long delay) {
    service.nextDelay = delay;
    if (!stopped) {
      service.timer = vertx.setTimer(delay, id -> pull(service));
    }
  }

  private void pull(PulledService service) {
    Future<String> version = service.versionCheck
      ? ask(service, Addresses.ACTION_VERSION, 0).map(reply -> reply.getString("config_version")).otherwise((String) null)
      : Future.succeededFuture(null);
    version.compose(current -> current != null && current.equals(service.version)
        ? Future.succeededFuture("skipped")
        : ask(service, Addresses.ACTION_PULL, 0).compose(reply -> store(service, reply)).map("pulled"))
      .onComplete(result -> {
        if (result.succeeded()) {
          if (service.failures > 0) {
            LOG.info("Pull of {} recovered after {} failures", service.name, service.failures);
          }
          service.record(result.result(), null);
          schedule(service, options.getPullIntervalMs());
        } else {
          service.record("failed", result.cause().getMessage());
          LOG.warn("Pull of {} failed ({} in a row): {}", service.name, service.failures, service.error);
          schedule(service, Math.min(options.getPullIntervalMs() << Math.min(service.failures, 20),
            options.getPullMaxBackoffMs()));
        }
      });
  }

  /**
   * Asks the service's nodes in order until one answers with an answer sealed with the service's push token and this
   * pull's nonce (any answer, when the service has no token).
   */
  private Future<JsonObject> ask(PulledService service, String action, int index) {
    return ask(service, action, index, new ArrayList<>());
  }

  private Future<JsonObject> ask(PulledService service, String action, int index, List<String> failures) {
    if (index >= service.nodes.size()) {
      return Future.failedFuture("no node gave a valid answer: " + String.join("; ", failures));
    }
    String node = service.nodes.get(index);
    String nonce = UUID.randomUUID().toString();
    DeliveryOptions request = new DeliveryOptions().setSendTimeout(options.getPullTimeoutMs())
      .addHeader(Addresses.HEADER_ACTION, action).addHeader(Addresses.HEADER_SERVICE, service.name)
      .addHeader(Addresses.HEADER_NONCE, nonce);
    return vertx.eventBus().<Buffer>request(Addresses.node(node), Buffer.buffer(), request)
      .compose(message -> {
        String body = message.body().toString();
        if (tokens.seal(service.name).matches(message.headers().get(Addresses.HEADER_SEAL), action, service.name,
          nonce, body)) {
          return Future.succeededFuture(new JsonObject(body).put("node", node));
        }
        LOG.warn("Pull of {}: the answer from node {} is not sealed with the service's push token", service.name, node);
        return Future.<JsonObject>failedFuture("its answer is not sealed with the service's push token");
      })
      .recover(e -> {
        failures.add(node + ": " + e.getMessage());
        return ask(service, action, index + 1, failures);
      });
  }

  private Future<Void> store(PulledService service, JsonObject reply) {
    Registration registration = Registration.of(service.name, reply.getJsonArray("fun_configs", new JsonArray()),
      "pull", reply.getString("node"));
    String version = reply.getString("config_version");
    return registration.recordFailures(store)
      .compose(v -> store.service(service.name))
      .compose(previous -> {
        Set<String> vanished = new HashSet<>();
        if (previous != null) {
          previous.getJsonArray("functions", new JsonArray()).forEach(key -> vanished.add((String) key));
        }
        vanished.removeAll(registration.accepted().keySet());
        return store.putFunctions(service.name, registration.accepted())
          .compose(v -> store.removeFunctions(vanished))
          .compose(v -> store.putService(service.name, registration.serviceRecord(version, service.nodes)))
          .onSuccess(v -> LOG.info("Pulled {} config_version {}: {} stored, {} removed, {} rejected", service.name,
            version, registration.accepted().size(), vanished.size(), registration.rejected().size()));
      })
      .onSuccess(v -> service.version = version);
  }

  private static final class PulledService {
    final String name;
    final List<String> nodes;
    final boolean versionCheck;
    long timer = -1;
    long nextDelay;
    int failures;
    String version;
    String lastResult = "pending";
    String error;

    PulledService(String name, List<String> nodes, boolean versionCheck) {
      this.name = name;
      this.nodes = nodes;
      this.versionCheck = versionCheck;
    }

    void record(String result, String error) {
      this.lastResult = result;
      this.error = error;
      this.failures = error == null ? 0 : failures + 1;
    }
  }
}
