package dev.genapi.config;

import com.hazelcast.map.IMap;
import dev.genapi.api.FunConfig;
import dev.genapi.cluster.MapResync;
import dev.genapi.cluster.MapChangeListener;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Keeps a gateway's {@link FunctionRegistry} equal to the cluster's function map: it follows the map's entry events,
 * and loads the whole map at start and again whenever those events cannot be trusted ({@link MapResync}: after this
 * member merged back from a split, after another member left, and periodically). An entry its {@link EntryReader}
 * rejects is not served.
 */
final class RegistrySync {

  private final Vertx vertx;
  private final IMap<String, String> functions;
  private final EntryReader reader;
  private final FunctionRegistry registry;
  private final Object loading = new Object();
  private Set<String> changedWhileLoading;
  private UUID entryListener;
  private MapResync resync;

  RegistrySync(Vertx vertx, IMap<String, String> functions, EntryReader reader, FunctionRegistry registry) {
    this.vertx = vertx;
    this.functions = functions;
    this.reader = reader;
    this.registry = registry;
  }

  /** Listens to changes first, then loads every entry; completes once the registry holds the whole map. */
  Future<Void> start() {
    return vertx.executeBlocking(() -> {
      entryListener = functions.addEntryListener(new MapChangeListener(this::changed, key -> changed(key, null)), true);
      resync = MapResync.start(vertx, "the registry index", this::load);
      load();
      return null;
    });
  }

  Future<Void> stop() {
    return vertx.executeBlocking(() -> {
      if (entryListener != null) {
        functions.removeEntryListener(entryListener);
        resync.stop();
      }
      return null;
    });
  }

  private void changed(String key, String json) {
    synchronized (loading) {
      if (changedWhileLoading != null) {
        changedWhileLoading.add(key);
      }
    }
    FunConfig config = json == null ? null : reader.read(key, json);
    if (config == null) {
      registry.remove(key);
    } else {
      registry.put(config);
    }
  }

  /**
   * Replaces the registry with the map's entries; an entry changed while loading keeps its newer value.
   *
   * @return how many functions the registry had wrong
   */
  private synchronized int load() {
    synchronized (loading) {
      changedWhileLoading = new HashSet<>();
    }
    Map<String, FunConfig> loaded = new HashMap<>();
    new HashMap<>(functions).forEach((key, json) -> {
      FunConfig config = reader.read(key, json);
      if (config != null) {
        loaded.put(key, config);
      }
    });
    synchronized (loading) {
      int corrected = registry.replaceAll(loaded, changedWhileLoading);
      changedWhileLoading = null;
      return corrected;
    }
  }
}
