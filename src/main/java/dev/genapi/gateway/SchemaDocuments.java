package dev.genapi.gateway;

import dev.genapi.api.ErrorCode;
import dev.genapi.api.FunConfig;
import dev.genapi.config.FunctionRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The machine-readable contract of the functions a call can reach, for typed clients and tools: {@code GET
 * /api/schema}, the JSON Schema (2020-12) of every function's arguments and result, and {@code GET
 * /api/schema/openapi.json}, an OpenAPI 3.1 document of {@code POST /api/call} whose request body is one of the
 * functions' call objects.
 */
final class SchemaDocuments {

  static final String DIALECT = "https://json-schema.org/draft/2020-12/schema";

  private SchemaDocuments() {
  }

  /**
   * @return {@code {"$schema", "functions":[{service, request_type, version, response_type, description, args,
   *   result}]}}, {@code result} being {@code {}} (anything) where no {@code result_type} is declared
   */
  static JsonObject jsonSchema(FunctionRegistry registry) {
    JsonArray functions = new JsonArray();
    for (FunConfig f : reachable(registry)) {
      functions.add(new JsonObject().put("service", f.service()).put("request_type", f.requestType())
        .put("version", f.version()).put("response_type", f.responseType().jsonName())
        .put("description", f.description()).put("args", f.argsSchema())
        .put("result", f.resultType() == null ? new JsonObject() : f.resultType().jsonSchema()));
    }
    return new JsonObject().put("$schema", DIALECT).put("functions", functions);
  }

  /** @return the OpenAPI 3.1 document of {@code POST /api/call} */
  static JsonObject openApi(FunctionRegistry registry) {
    JsonObject schemas = new JsonObject().put("Response", response());
    JsonArray calls = new JsonArray();
    for (FunConfig f : reachable(registry)) {
      String name = "call." + f.key().replace('/', '.');
      schemas.put(name, callObject(f));
      calls.add(new JsonObject().put("$ref", "#/components/schemas/" + name));
    }
    JsonObject json = new JsonObject().put("schema", new JsonObject().put("oneOf", calls));
    JsonObject answer = new JsonObject().put("content", new JsonObject()
      .put("application/json", new JsonObject().put("schema", ref("Response")))
      .put("application/x-ndjson", new JsonObject().put("schema", ref("Response"))));
    JsonObject post = new JsonObject().put("operationId", "call")
      .put("summary", "Calls one function; a stream answers one Response per line")
      .put("requestBody", new JsonObject().put("required", true)
        .put("content", new JsonObject().put("application/json", json)))
      .put("responses", new JsonObject()
        .put("200", answer.copy().put("description", "the final Response: a result or a business error"))
        .put("400", answer.copy().put("description", "not a call (INVALID_REQUEST)"))
        .put("401", answer.copy().put("description", "an identity is required (UNAUTHENTICATED)"))
        .put("429", answer.copy().put("description", "rate limited (RATE_LIMITED), with Retry-After")));
    return new JsonObject().put("openapi", "3.1.0")
      .put("info", new JsonObject().put("title", "GenApi").put("version", Long.toString(registry.changes())))
      .put("jsonSchemaDialect", DIALECT)
      .put("paths", new JsonObject().put("/api/call", new JsonObject().put("post", post)))
      .put("components", new JsonObject().put("schemas", schemas));
  }

  private static List<FunConfig> reachable(FunctionRegistry registry) {
    return registry.listed().stream().sorted(Comparator.comparing(FunConfig::key)).toList();
  }

  private static JsonObject callObject(FunConfig f) {
    JsonObject properties = new JsonObject()
      .put("request_id", new JsonObject().put("type", "string").put("minLength", 1))
      .put("service", new JsonObject().put("const", f.service()))
      .put("request_type", new JsonObject().put("const", f.requestType()))
      .put("version", new JsonObject().put("enum", new JsonArray().add(f.version()).add(FunConfig.LATEST)))
      .put("args", f.argsSchema())
      .put("traceparent", new JsonObject().put("type", "string"));
    JsonObject call = new JsonObject().put("type", "object").put("properties", properties)
      .put("required", new JsonArray().add("request_id").add("service").add("request_type"));
    if (f.description() != null) {
      call.put("description", f.description());
    }
    return call;
  }

  private static JsonObject response() {
    JsonArray codes = new JsonArray();
    Arrays.stream(ErrorCode.values()).forEach(code -> codes.add(code.name()));
    JsonObject bool = new JsonObject().put("type", "boolean");
    JsonObject properties = new JsonObject()
      .put("request_id", new JsonObject().put("type", "string"))
      .put("success", bool).put("result", new JsonObject())
      .put("error", new JsonObject().put("type", new JsonArray().add("string").add("null")))
      .put("code", new JsonObject().put("enum", codes.copy().addNull()))
      .put("async", bool).put("has_more", bool).put("can_retry", bool)
      .put("retry_after_ms", new JsonObject().put("type", "integer"));
    return new JsonObject().put("type", "object").put("properties", properties)
      .put("required", new JsonArray(List.of("request_id", "success", "result", "error", "code", "async", "has_more",
        "can_retry")));
  }

  private static JsonObject ref(String schema) {
    return new JsonObject().put("$ref", "#/components/schemas/" + schema);
  }
}
