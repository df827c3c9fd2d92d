package dev.genapi.config;

import dev.genapi.api.FunConfig;

/** A local function index holding the given functions, as a gateway's would after a push. */
public final class TestRegistry {

  private TestRegistry() {
  }

  /** @return an index of those functions, each served */
  public static FunctionRegistry of(FunConfig... functions) {
    FunctionRegistry registry = new FunctionRegistry();
    for (FunConfig function : functions) {
      registry.put(function);
    }
    return registry;
  }
}
