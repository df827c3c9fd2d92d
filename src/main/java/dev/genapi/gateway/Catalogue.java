package dev.genapi.gateway;

import dev.genapi.api.FunConfig;
import dev.genapi.config.FunctionRegistry;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Comparator;

/**
 * The public catalogue ({@code GET /api/functions}): every function a call can reach (enabled, and not left by every
 * live node that declared it) with what a client needs to call it, a sample call included. The body is encoded again
 * only after the registry changed; used on one event loop.
 */
final class Catalogue {

  private final FunctionRegistry registry;
  private long builtAt = -1;
  private Buffer body;

  Catalogue(FunctionRegistry registry) {
    this.registry = registry;
  }

  /** @return the encoded catalogue of the registry as it is now */
  Buffer body() {
    long changes = registry.changes();
    if (body == null || changes != builtAt) {
      body = of(registry).toBuffer();
      builtAt = changes;
    }
    return body;
  }

  /** @return {@code {"functions":[{service, request_type, version, response_type, timeout, arg_types, sample}]}} */
  private static JsonObject of(FunctionRegistry registry) {
    JsonArray functions = new JsonArray();
    registry.listed().stream().sorted(Comparator.comparing(FunConfig::key)).forEach(f -> {
      JsonObject json = f.toJson();
      functions.add(new JsonObject().put("service", f.service()).put("request_type", f.requestType())
        .put("version", f.version()).put("response_type", f.responseType().jsonName()).put("timeout", f.timeout())
        .put("arg_types", json.getJsonObject("arg_types")).put("sample", f.sample()));
    });
    return new JsonObject().put("functions", functions);
  }
}
