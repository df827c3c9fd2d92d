package dev.genapi.config;

import dev.genapi.api.FunConfig;
import dev.genapi.api.GenApiException;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * A gateway's local, immutable index of the cluster registry. Lookups read a volatile snapshot and never wait on
 * the cluster; each change copies the snapshot (changes are rare, lookups are per call).
 */
public final class FunctionRegistry {

  private volatile Snapshot snapshot = new Snapshot(Map.of(), Map.of());
  private final java.util.concurrent.atomic.LongAdder changes = new java.util.concurrent.atomic.LongAdder();

  /**
   * @param functions every function by key
   * @param latest the highest enabled version of each {@code service/request_type}
   */
  private record Snapshot(Map<String, FunConfig> functions, Map<String, FunConfig> latest) {
  }

  /**
   * Finds the function a call names.
   *
   * @param service the service
   * @param requestType the function name
   * @param version the requested version: {@code null} for {@value FunConfig#DEFAULT_VERSION}, an exact version (never
   *                falls back to another), or {@value FunConfig#LATEST} for the highest enabled version by SemVer
   * @return the FunConfig
   * @throws GenApiException {@code NOT_FOUND} when absent, {@code DISABLED} when that exact version is disabled
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
    FunConfig config = snapshot.functions().get(FunConfig.key(service, requestType, wanted));
    if (config == null) {
      throw GenApiException.notFound(requestType, wanted);
    }
    if (config.disabled()) {
      throw GenApiException.disabled(requestType, wanted);
    }
    return config;
  }

  /** @return every function, disabled ones included */
  public Collection<FunConfig> all() {
    return snapshot.functions().values();
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
    replace(next);
  }

  synchronized void remove(String key) {
    if (snapshot.functions().containsKey(key)) {
      Map<String, FunConfig> next = new HashMap<>(snapshot.functions());
      next.remove(key);
      replace(next);
    }
  }

  /**
   * Replaces every function with those loaded from the cluster, except the keys changed while loading, which keep
   * the value their change gave them.
   */
  synchronized void replaceAll(Map<String, FunConfig> loaded, Set<String> changedWhileLoading) {
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
    replace(next);
  }

  private void replace(Map<String, FunConfig> next) {
    Map<String, FunConfig> highest = new HashMap<>();
    for (FunConfig config : next.values()) {
      if (!config.disabled()) {
        highest.merge(config.service() + '/' + config.requestType(), config,
          (a, b) -> SemVer.compare(a.version(), b.version()) >= 0 ? a : b);
      }
    }
    snapshot = new Snapshot(Map.copyOf(next), Map.copyOf(highest));
    changes.increment();
  }
}
