package dev.genapi.config;

import dev.genapi.api.FunConfig;
import dev.genapi.api.GenApiException;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

/**
 * A gateway's local, immutable index of the cluster registry. Lookups read a volatile snapshot and never wait on
 * the cluster; each change copies the snapshot (changes are rare, lookups are per call). A function no live node
 * serves any more ({@link #serveOnly}) is neither found nor listed, as if it were not registered, until a node that
 * declares it is live again; it stays in the registry.
 */
public final class FunctionRegistry {

  private volatile Snapshot snapshot = new Snapshot(Map.of(), Set.of(), Map.of());
  private final LongAdder changes = new LongAdder();
  private Predicate<FunConfig> served = function -> true;

  /**
   * @param functions every function by key
   * @param unserved the keys of the functions no live node serves
   * @param latest the highest enabled and served version of each {@code service/request_type}
   */
  private record Snapshot(Map<String, FunConfig> functions, Set<String> unserved, Map<String, FunConfig> latest) {
  }

  /**
   * Finds the function a call names.
   *
   * @param service the service
   * @param requestType the function name
   * @param version the requested version: {@code null} for {@value FunConfig#DEFAULT_VERSION}, an exact version (never
   *                falls back to another), or {@value FunConfig#LATEST} for the highest enabled version by SemVer
   * @return the FunConfig
   * @throws GenApiException {@code NOT_FOUND} when absent or served by no live node, {@code DISABLED} when that
   *     exact version is disabled
   */
  public FunConfig lookup(String service, String requestType, String version) {
    if (FunConfig.LATEST.equals(version)) {
      FunConfig config = snapshot.latest().get(service + '/' + requestType);
      if (config == null) {
        throw GenApiException.notFound(requestType, FunConfig.LATEST);
      }
      return config;
    }
    String wanted = version == null ? FunConfig.DEFAULT_VERSION : version;
    Snapshot current = snapshot;
    String key = FunConfig.key(service, requestType, wanted);
    FunConfig config = current.functions().get(key);
    if (config == null) {
      throw GenApiException.notFound(requestType, wanted);
    }
    if (config.disabled()) {
      throw GenApiException.disabled(requestType, wanted);
    }
    if (current.unserved().contains(key)) {
      throw GenApiException.notFound(requestType, wanted);
    }
    return config;
  }

  /** @return every function, disabled ones and ones no live node serves included */
  public Collection<FunConfig> all() {
    return snapshot.functions().values();
  }

  /** @return the functions a call can reach: enabled, and served by a live node or waiting for one to come back */
  public List<FunConfig> listed() {
    Snapshot current = snapshot;
    return current.functions().values().stream()
      .filter(function -> !function.disabled() && !current.unserved().contains(function.key())).toList();
  }

  /** @return whether a live node serves that function, or none it may run on is live (see {@link #serveOnly}) */
  public boolean served(FunConfig function) {
    return !snapshot.unserved().contains(function.key());
  }

  /**
   * Tells the index which functions the live nodes serve, and indexes every function again.
   *
   * @param served whether a live node serves a function; called while indexing, it must not wait
   */
  public synchronized void serveOnly(Predicate<FunConfig> served) {
    this.served = served;
    Set<String> unserved = unserved(snapshot.functions().values());
    if (!unserved.equals(snapshot.unserved())) {
      replace(snapshot.functions(), unserved);
    }
  }

  /** @return how many changes this index applied since it was created */
  public long changes() {
    return changes.sum();
  }

  /** @return the number of functions */
  public int size() {
    return snapshot.functions().size();
  }

  synchronized void put(FunConfig config) {
    Map<String, FunConfig> next = new HashMap<>(snapshot.functions());
    next.put(config.key(), config);
    Set<String> unserved = new HashSet<>(snapshot.unserved());
    if (served.test(config)) {
      unserved.remove(config.key());
    } else {
      unserved.add(config.key());
    }
    replace(next, unserved);
  }

  synchronized void remove(String key) {
    if (snapshot.functions().containsKey(key)) {
      Map<String, FunConfig> next = new HashMap<>(snapshot.functions());
      next.remove(key);
      Set<String> unserved = new HashSet<>(snapshot.unserved());
      unserved.remove(key);
      replace(next, unserved);
    }
  }

  /**
   * Replaces every function with those loaded from the cluster, except the keys changed while loading, which keep
   * the value their change gave them.
   *
   * @return how many functions the index had wrong: missing, left over or different
   */
  synchronized int replaceAll(Map<String, FunConfig> loaded, Set<String> changedWhileLoading) {
    Map<String, FunConfig> next = new HashMap<>(loaded);
    Map<String, FunConfig> current = snapshot.functions();
    for (String key : changedWhileLoading) {
      FunConfig config = current.get(key);
      if (config == null) {
        next.remove(key);
      } else {
        next.put(key, config);
      }
    }
    int corrected = (int) current.keySet().stream().filter(key -> !next.containsKey(key)).count()
      + (int) next.entrySet().stream().filter(entry -> !entry.getValue().equals(current.get(entry.getKey()))).count();
    if (corrected > 0) {
      replace(next, unserved(next.values()));
    }
    return corrected;
  }

  private Set<String> unserved(Collection<FunConfig> functions) {
    Set<String> unserved = new HashSet<>();
    for (FunConfig function : functions) {
      if (!served.test(function)) {
        unserved.add(function.key());
      }
    }
    return unserved;
  }

  private void replace(Map<String, FunConfig> next, Set<String> unserved) {
    index(next, unserved);
    changes.increment();
  }

  private void index(Map<String, FunConfig> next, Set<String> unserved) {
    Map<String, FunConfig> highest = new HashMap<>();
    for (FunConfig config : next.values()) {
      if (!config.disabled() && !unserved.contains(config.key())) {
        highest.merge(config.service() + '/' + config.requestType(), config,
          (a, b) -> SemVer.compare(a.version(), b.version()) >= 0 ? a : b);
      }
    }
    snapshot = new Snapshot(Map.copyOf(next), Set.copyOf(unserved), Map.copyOf(highest));
  }
}
