package dev.genapi.config;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.genapi.api.FunConfig;
import dev.genapi.cluster.Addresses;
import dev.genapi.cluster.Seal;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The cluster-wide registry: Hazelcast maps of functions and pushed services, shared by every gateway and outliving
 * any one of them. Values are stored as JSON text sealed with their service's push token ({@link Seal}); an entry
 * whose seal does not verify reads as absent, so a push stores it again.
 *
 * @implNote every method here may cross the network; none is called on the request path. Blocking calls run
 * unordered, so that one waiting on an unreachable member does not hold up the others.
 */
final class ConfigStore {

  private static final long FAILED_TTL_HOURS = 24;
  private static final int REPLACE_ATTEMPTS = 10;

  private final Vertx vertx;
  private final HazelcastInstance hazelcast;
  private final IMap<String, String> functions;
  private final IMap<String, String> services;
  private final IMap<String, String> failed;
  private final ServiceTokens tokens;

  ConfigStore(Vertx vertx, HazelcastInstance hazelcast, ServiceTokens tokens) {
    this.vertx = vertx;
    this.hazelcast = hazelcast;
    this.tokens = tokens;
    this.functions = hazelcast.getMap(Addresses.FUNCTIONS_MAP);
    this.services = hazelcast.getMap(Addresses.SERVICES_MAP);
    this.failed = hazelcast.getMap(Addresses.FAILED_MAP);
  }

  /** @return a listener that keeps the registry equal to the function map, not yet started */
  RegistrySync syncInto(FunctionRegistry registry, RejectedEntries rejected) {
    return new RegistrySync(vertx, functions, new EntryReader(tokens, rejected), registry);
  }

  /**
   * @return the stored FunConfigs of those keys of a service, read without holding a thread; absent keys and entries
   *     whose seal does not verify are left out
   */
  Future<Map<String, String>> functions(String service, Collection<String> keys) {
    Map<String, String> found = new ConcurrentHashMap<>();
    return Future.all(keys.stream().map(key -> future(functions.getAsync(key)).onSuccess(stored -> {
      String json = tokens.seal(service).open(Addresses.FUNCTIONS_MAP, key, stored);
      if (json != null) {
        found.put(key, json);
      }
    })).toList()).map(found);
  }

  Future<Void> putFunctions(String service, Map<String, String> entries) {
    Map<String, String> sealed = new HashMap<>();
    entries.forEach((key, json) -> sealed.put(key, tokens.seal(service).seal(Addresses.FUNCTIONS_MAP, key, json)));
    return future(functions.putAllAsync(sealed));
  }

  Future<Void> removeFunctions(Collection<String> keys) {
    List<Future<String>> removals = keys.stream().map(key -> future(functions.removeAsync(key))).toList();
    return Future.all(removals).mapEmpty();
  }

  /** Flips the flag of one function; {@code false} when it is not stored (or its seal does not verify). */
  Future<Boolean> setDisabled(String service, String key, boolean disabled) {
    Seal seal = tokens.seal(service);
    return vertx.executeBlocking(() -> {
      for (int attempt = 0; attempt < REPLACE_ATTEMPTS; attempt++) {
        String stored = functions.get(key);
        String json = seal.open(Addresses.FUNCTIONS_MAP, key, stored);
        if (json == null) {
          return false;
        }
        String changed = FunConfig.fromJson(new JsonObject(json)).withDisabled(disabled).toJson().encode();
        if (json.equals(changed)
          || functions.replace(key, stored, seal.seal(Addresses.FUNCTIONS_MAP, key, changed))) {
          return true;
        }
      }
      throw new IllegalStateException("function " + key + " kept changing while it was being updated");
    }, false);
  }

  Future<Boolean> deleteFunction(String key) {
    return future(functions.removeAsync(key)).map(json -> json != null);
  }

  /** @return every service record whose seal verifies */
  Future<List<JsonObject>> services() {
    return vertx.executeBlocking(() -> new HashMap<>(services).entrySet().stream()
      .map(entry -> tokens.seal(entry.getKey()).open(Addresses.SERVICES_MAP, entry.getKey(), entry.getValue()))
      .filter(Objects::nonNull).map(JsonObject::new).toList(), false);
  }

  Future<Void> recordFailure(JsonObject failure) {
    return future(failed.setAsync(failure.getString("id"), failure.encode(), FAILED_TTL_HOURS, TimeUnit.HOURS));
  }

  Future<Void> clearFailures() {
    return vertx.executeBlocking(() -> {
      failed.clear();
      return null;
    }, false);
  }

  Future<List<JsonObject>> failures() {
    return vertx.executeBlocking(() -> failed.values().stream().map(JsonObject::new).toList(), false);
  }

  /** Takes a deleted function out of its service record, so that healing does not bring it back. */
  Future<Void> forgetFunction(String service, String key) {
    Seal seal = tokens.seal(service);
    return vertx.executeBlocking(() -> {
      for (int attempt = 0; attempt < REPLACE_ATTEMPTS; attempt++) {
        String stored = services.get(service);
        String json = seal.open(Addresses.SERVICES_MAP, service, stored);
        if (json == null || !ServiceDigests.keys(new JsonObject(json)).contains(key) || services.replace(service,
          stored, seal.seal(Addresses.SERVICES_MAP, service, ServiceDigests.without(new JsonObject(json), key).encode()))) {
          return null;
        }
      }
      throw new IllegalStateException("service " + service + " kept changing while " + key + " was being removed");
    }, false);
  }

  /** @return the service's record, or {@code null} when it is not stored or its seal does not verify */
  Future<JsonObject> service(String service) {
    return future(services.getAsync(service)).map(stored -> {
      String json = tokens.seal(service).open(Addresses.SERVICES_MAP, service, stored);
      return json == null ? null : new JsonObject(json);
    });
  }

  Future<Void> putService(String service, JsonObject record) {
    return future(services.setAsync(service, tokens.seal(service).seal(Addresses.SERVICES_MAP, service, record.encode())));
  }

  private <T> Future<T> future(CompletionStage<T> stage) {
    return Future.fromCompletionStage(stage, vertx.getOrCreateContext());
  }
}
