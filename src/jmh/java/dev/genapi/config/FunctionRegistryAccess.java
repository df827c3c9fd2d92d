package dev.genapi.config;

/** Fills a {@link FunctionRegistry} directly, for benchmarks (its writers are package-private). */
public final class FunctionRegistryAccess {

  private FunctionRegistryAccess() {
  }

  public static void put(FunctionRegistry registry, dev.genapi.api.FunConfig config) {
    registry.put(config);
  }
}
