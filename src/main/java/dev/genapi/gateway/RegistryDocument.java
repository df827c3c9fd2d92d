package dev.genapi.gateway;

import dev.genapi.config.FunctionRegistry;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.util.function.Function;

/**
 * A public document built from the function registry ({@code /api/functions}, {@code /api/schema}), encoded again only
 * after the registry changed; used on one event loop.
 */
final class RegistryDocument {

  private final FunctionRegistry registry;
  private final Function<FunctionRegistry, JsonObject> build;
  private long builtAt = -1;
  private Buffer body;

  RegistryDocument(FunctionRegistry registry, Function<FunctionRegistry, JsonObject> build) {
    this.registry = registry;
    this.build = build;
  }

  /** @return the encoded document of the registry as it is now */
  Buffer body() {
    long changes = registry.changes();
    if (body == null || changes != builtAt) {
      body = build.apply(registry).toBuffer();
      builtAt = changes;
    }
    return body;
  }
}
