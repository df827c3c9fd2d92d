package dev.genapi.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Map;

/** JSON Schemas (2020-12) of argument specs: what {@link ArgSpec#jsonSchema()} and {@link FunConfig#argsSchema()} build. */
final class ArgSchemas {

  private ArgSchemas() {
  }

  static JsonObject of(ArgSpec spec) {
    JsonObject schema = base(spec);
    if (spec.allowNil() && schema.getValue("type") instanceof String type) {
      schema.put("type", new JsonArray().add(type).add("null"));
    }
    if (spec.defaultValue() != null) {
      schema.put("default", spec.defaultValue());
    }
    return schema;
  }

  static JsonObject args(Map<String, ArgSpec> specs) {
    JsonObject schema = new JsonObject().put("type", "object");
    if (specs.isEmpty()) {
      return schema;
    }
    JsonObject properties = new JsonObject();
    JsonArray required = new JsonArray();
    specs.forEach((name, spec) -> {
      properties.put(name, of(spec));
      if (!spec.allowNil() && spec.defaultValue() == null) {
        required.add(name);
      }
    });
    return schema.put("properties", properties).put("required", required).put("additionalProperties", false);
  }

  private static JsonObject base(ArgSpec spec) {
    return switch (spec.type()) {
      case STRING -> new JsonObject().put("type", "string").put("x-genapi-max-bytes", spec.maxBytes());
      case NUM -> new JsonObject().put("type", "number");
      case BOOLEAN -> new JsonObject().put("type", "boolean");
      case UUID -> uuid();
      case DATETIME -> new JsonObject().put("type", "string").put("format", "date-time");
      case MAP -> map(spec);
      case ANY -> new JsonObject();
      case LIST -> list(spec, null);
      case LIST_STRING -> list(spec, new JsonObject().put("type", "string"));
      case LIST_NUM -> list(spec, new JsonObject().put("type", "number"));
      case LIST_UUID -> list(spec, uuid());
      case LIST_MAP -> list(spec, new JsonObject().put("type", "object"));
    };
  }

  private static JsonObject uuid() {
    return new JsonObject().put("type", "string").put("format", "uuid");
  }

  private static JsonObject list(ArgSpec spec, JsonObject items) {
    JsonObject schema = new JsonObject().put("type", "array").put("maxItems", spec.maxItems())
      .put("x-genapi-max-item-bytes", spec.maxItemBytes());
    return items == null ? schema : schema.put("items", items);
  }

  private static JsonObject map(ArgSpec spec) {
    JsonObject schema = new JsonObject().put("type", "object").put("maxProperties", spec.maxItems())
      .put("x-genapi-max-item-bytes", spec.maxItemBytes());
    if (!spec.required().isEmpty()) {
      schema.put("required", new JsonArray(spec.required()));
    }
    if (!spec.accept().isEmpty()) {
      JsonObject properties = new JsonObject();
      spec.accept().forEach(key -> properties.put(key, new JsonObject()));
      schema.put("properties", properties).put("additionalProperties", false);
    }
    return schema;
  }
}
