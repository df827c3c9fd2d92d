package dev.genapi.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * One declared argument: its type and options, as written in {@code arg_types}, either bare ({@code "string"}) or
 * as an object ({@code {"type":"list_string","max_items":10,"allow_nil":true}}).
 *
 * @param type the value type
 * @param maxBytes the largest string, in UTF-8 bytes ({@value #DEFAULT_MAX_BYTES} unless set)
 * @param maxItems the most list items or map entries ({@value #DEFAULT_MAX_ITEMS} unless set)
 * @param maxItemBytes the largest string item of a list, in UTF-8 bytes
 * @param allowNil whether {@code null} (or a missing value without default) is accepted
 * @param defaultValue the value used when the argument is absent, or {@code null}
 * @param required for maps: keys that must be present
 * @param accept for maps: the only keys allowed (empty = any)
 */
public record ArgSpec(ArgType type, int maxBytes, int maxItems, int maxItemBytes, boolean allowNil,
                      Object defaultValue, List<String> required, List<String> accept) {

  /** The original's default string limit, in bytes. */
  public static final int DEFAULT_MAX_BYTES = 3000;
  /** The original's default list and map limit, in items. */
  public static final int DEFAULT_MAX_ITEMS = 1000;

  /** @return a bare spec of that type with the default limits */
  public static ArgSpec of(ArgType type) {
    return new ArgSpec(type, DEFAULT_MAX_BYTES, DEFAULT_MAX_ITEMS, DEFAULT_MAX_BYTES, false, null, List.of(), List.of());
  }

  /**
   * @return a copy with that default and nil rule
   */
  public ArgSpec withDefault(Object defaultValue, boolean allowNil) {
    return new ArgSpec(type, maxBytes, maxItems, maxItemBytes, allowNil, defaultValue, required, accept);
  }

  /**
   * @return the JSON Schema (2020-12) of the values this spec accepts: its type and format, limits, {@code null} when
   *   nil is allowed, the default, a map's required and accepted keys; byte limits, which JSON Schema has no keyword
   *   for, as {@code x-genapi-max-bytes} and {@code x-genapi-max-item-bytes}
   */
  public JsonObject jsonSchema() {
    return ArgSchemas.of(this);
  }

  /**
   * The value a sample call passes for this argument: the default when there is one, else a small value of the type
   * that these limits accept ({@code "text"} cut to {@code max_bytes}, {@code 1}, {@code true}, a fixed UUID, a fixed
   * UTC datetime, a map of the {@code required} keys, a list of one such item unless {@code max_items} is 0).
   *
   * @return a new value (a default is returned as declared)
   */
  public Object sample() {
    return ArgSamples.of(this);
  }

  static ArgSpec parse(String name, Object value, List<String> errors) {
    return parseAt("arg_types." + name + ": ", value, errors);
  }

  /** Reads a spec as {@link #parse} does, its errors prefixed with {@code where}. */
  static ArgSpec parseAt(String where, Object value, List<String> errors) {
    if (!(value instanceof JsonObject json)) {
      ArgType type = ArgType.fromJson(value);
      if (type == null) {
        errors.add(where + "unknown type " + value);
        return null;
      }
      return of(type);
    }
    ArgType type = ArgType.fromJson(json.getValue("type"));
    if (type == null) {
      errors.add(where + "unknown or missing type " + json.getValue("type"));
      return null;
    }
    int before = errors.size();
    int maxBytes = positive(json, "max_bytes", DEFAULT_MAX_BYTES, where, errors);
    int maxItems = positive(json, "max_items", DEFAULT_MAX_ITEMS, where, errors);
    int maxItemBytes = positive(json, "max_item_bytes", DEFAULT_MAX_BYTES, where, errors);
    Object allowNil = json.getValue("allow_nil", false);
    if (!(allowNil instanceof Boolean)) {
      errors.add(where + "allow_nil must be a boolean");
    }
    List<String> required = names(json, "required", where, errors);
    List<String> accept = names(json, "accept", where, errors);
    if (errors.size() > before) {
      return null;
    }
    return new ArgSpec(type, maxBytes, maxItems, maxItemBytes, (Boolean) allowNil, json.getValue("default"),
      required, accept);
  }

  private static int positive(JsonObject json, String key, int fallback, String where, List<String> errors) {
    Object value = json.getValue(key);
    if (value == null) {
      return fallback;
    }
    Integer i = FunConfig.intValue(value);
    if (i != null && i >= 0) {
      return i;
    }
    errors.add(where + key + " must be a non-negative integer");
    return fallback;
  }

  private static List<String> names(JsonObject json, String key, String where, List<String> errors) {
    Object value = json.getValue(key);
    if (value == null) {
      return List.of();
    }
    if (value instanceof JsonArray array && array.stream().allMatch(String.class::isInstance)) {
      return array.stream().map(String.class::cast).toList();
    }
    errors.add(where + key + " must be a list of strings");
    return List.of();
  }

  Object toJson() {
    if (equals(of(type))) {
      return type.jsonName();
    }
    JsonObject json = new JsonObject().put("type", type.jsonName()).put("max_bytes", maxBytes)
      .put("max_items", maxItems).put("max_item_bytes", maxItemBytes).put("allow_nil", allowNil);
    if (defaultValue != null) {
      json.put("default", defaultValue);
    }
    if (!required.isEmpty()) {
      json.put("required", new JsonArray(required));
    }
    if (!accept.isEmpty()) {
      json.put("accept", new JsonArray(accept));
    }
    return json;
  }
}
