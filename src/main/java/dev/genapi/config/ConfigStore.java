package dev.genapi.config;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.genapi.api.FunConfig;
import dev.genapi.cluster.Addresses;
import dev.genapi.cluster.MapChangeListener;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;

/**
 * The cluster-wide registry: Hazelcast maps of functions and pushed services, shared by every gateway and outliving
 * any one of them. Values are stored as JSON text.
 *
 * @implNote every method here may cross the network; none is called on the request path.
 */
final class ConfigStore {

  private static final Logger LOG = LoggerFactory.getLogger(ConfigStore.class);
  private static final long FAILED_TTL_HOURS = 24;

  private final Vertx vertx;
  private final IMap<String, String> functions;
  private final IMap<String, String> services;
  private final IMap<String, String> failed;

  ConfigStore(Vertx vertx, HazelcastInstance hazelcast) {
    this.vertx = vertx;
    this.functions = hazelcast.getMap(Addresses.FUNCTIONS_MAP);
    this.services = hazelcast.getMap(Addresses.SERVICES_MAP);
    this.failed = hazelcast.getMap(Addresses.FAILED_MAP);
  }

  /**
   * Keeps the registry equal to the cluster map: listens to changes first, then loads every entry; an entry changed
   * while loading keeps its newer value.
   */
  Future<UUID> syncInto(FunctionRegistry registry) {
    Set<String> changedWhileLoading = new HashSet<>();
    boolean[] loaded = {false};
    BiConsumer<String, String> changed = (key, json) -> {
      synchronized (changedWhileLoading) {
        if (!loaded[0]) {
          changedWhileLoading.add(key);
        }
      }
      apply(registry, key, json);
    };
    MapChangeListener listener = new MapChangeListener(changed, key -> changed.accept(key, null));
    return vertx.executeBlocking(() -> {
      UUID registration = functions.addEntryListener(listener, true);
      Map<String, String> snapshot = new HashMap<>(functions);
      synchronized (changedWhileLoading) {
        snapshot.forEach((key, json) -> {
          if (!changedWhileLoading.contains(key)) {
            apply(registry, key, json);
          }
        });
        loaded[0] = true;
      }
      return registration;
    });
  }

  Future<Boolean> stopSync(UUID registration) {
    return vertx.executeBlocking(() -> functions.removeEntryListener(registration));
  }

  Future<Void> putFunctions(Map<String, String> entries) {
    return future(functions.putAllAsync(entries));
  }

  Future<Void> removeFunctions(Collection<String> keys) {
    List<Future<String>> removals = keys.stream().map(key -> future(functions.removeAsync(key))).toList();
    return Future.all(removals).mapEmpty();
  }

  /** Flips the flag of one function; {@code false} when it is not stored. */
  Future<Boolean> setDisabled(String key, boolean disabled) {
    return vertx.executeBlocking(() -> {
      for (int attempt = 0; attempt < 10; attempt++) {
        String json = functions.get(key);
        if (json == null) {
          return false;
        }
        String changed = FunConfig.fromJson(new JsonObject(json)).withDisabled(disabled).toJson().encode();
        if (json.equals(changed) || functions.replace(key, json, changed)) {
          return true;
        }
      }
      throw new IllegalStateException("function " + key + " kept changing while it was being updated");
    });
  }

  Future<Boolean> deleteFunction(String key) {
    return future(functions.removeAsync(key)).map(json -> json != null);
  }

  Future<List<JsonObject>> services() {
    return vertx.executeBlocking(() -> services.values().stream().map(JsonObject::new).toList());
  }

  Future<Void> recordFailure(JsonObject failure) {
    return future(failed.setAsync(failure.getString("id"), failure.encode(), FAILED_TTL_HOURS, TimeUnit.HOURS));
  }

  Future<List<JsonObject>> failures() {
    return vertx.executeBlocking(() -> failed.values().stream().map(JsonObject::new).toList());
  }

  Future<JsonObject> service(String service) {
    return future(services.getAsync(service)).map(json -> json == null ? null : new JsonObject(json));
  }

  Future<Void> putService(String service, JsonObject record) {
    return future(services.setAsync(service, record.encode()));
  }

  private <T> Future<T> future(CompletionStage<T> stage) {
    return Future.fromCompletionStage(stage, vertx.getOrCreateContext());
  }

  private static void apply(FunctionRegistry registry, String key, String json) {
    if (json == null) {
      registry.remove(key);
      return;
    }
    try {
      registry.put(FunConfig.fromJson(new JsonObject(json)));
    } catch (RuntimeException e) {
      LOG.warn("Ignoring invalid function {} in the cluster registry: {}", key, e.getMessage());
    }
  }
}
