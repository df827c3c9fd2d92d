package dev.genapi.config;

import dev.genapi.api.FunConfig;
import dev.genapi.api.GenApiException;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * A gateway's local, immutable index of the cluster registry. Lookups read a volatile snapshot and never wait on
 * the cluster; each change copies the snapshot (changes are rare, lookups are per call).
 */
public final class FunctionRegistry {

  private volatile Map<String, FunConfig> functions = Map.of();

  /**
   * Finds the function a call names.
   *
   * @param service the service
   * @param requestType the function name
   * @param version the requested version, {@code null} for {@value FunConfig#DEFAULT_VERSION}
   * @return the FunConfig of that exact version
   * @throws GenApiException {@code NOT_FOUND} when absent, {@code DISABLED} when disabled
   */
  public FunConfig lookup(String service, String requestType, String version) {
    String wanted = version == null ? FunConfig.DEFAULT_VERSION : version;
    FunConfig config = functions.get(FunConfig.key(service, requestType, wanted));
    if (config == null) {
      throw GenApiException.notFound(requestType, wanted);
    }
    if (config.disabled()) {
      throw GenApiException.disabled(requestType, wanted);
    }
    return config;
  }

  /** @return the FunConfig stored under that key, or {@code null} */
  public FunConfig get(String key) {
    return functions.get(key);
  }

  /** @return every function, disabled ones included */
  public Collection<FunConfig> all() {
    return functions.values();
  }

  /** @return the number of functions */
  public int size() {
    return functions.size();
  }

  synchronized void put(FunConfig config) {
    Map<String, FunConfig> next = new HashMap<>(functions);
    next.put(config.key(), config);
    functions = Map.copyOf(next);
  }

  synchronized void remove(String key) {
    if (functions.containsKey(key)) {
      Map<String, FunConfig> next = new HashMap<>(functions);
      next.remove(key);
      functions = Map.copyOf(next);
    }
  }
}
