package dev.genapi.gateway;

import dev.genapi.api.FunConfig;
import dev.genapi.config.FunctionRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Comparator;

/**
 * The public catalogue ({@code GET /api/functions}): every function a call can reach (enabled, and not left by every
 * live node that declared it) with what a client needs to call it, a sample call included.
 */
final class Catalogue {

  private Catalogue() {
  }

  /**
   * @return {@code {"functions":[{service, request_type, version, response_type, timeout, arg_types, description,
   *   sample}]}}
   */
  static JsonObject of(FunctionRegistry registry) {
    JsonArray functions = new JsonArray();
    registry.listed().stream().sorted(Comparator.comparing(FunConfig::key)).forEach(f -> {
      JsonObject json = f.toJson();
      functions.add(new JsonObject().put("service", f.service()).put("request_type", f.requestType())
        .put("version", f.version()).put("response_type", f.responseType().jsonName()).put("timeout", f.timeout())
        .put("arg_types", json.getJsonObject("arg_types")).put("description", f.description())
        .put("sample", f.sample()));
    });
    return new JsonObject().put("functions", functions);
  }
}
