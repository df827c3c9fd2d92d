package dev.genapi.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The sample value of one declared argument: its default when it has one, else a small value of its type that its
 * limits accept (a string cut to {@code max_bytes}, one list item unless {@code max_items} is 0, a map holding its
 * {@code required} keys).
 */
final class ArgSamples {

  private static final String TEXT = "text";
  private static final int NUMBER = 1;
  private static final String UUID_VALUE = "123e4567-e89b-12d3-a456-426614174000";
  private static final String DATETIME_VALUE = "2024-01-01T00:00:00Z";

  private ArgSamples() {
  }

  static Object of(ArgSpec spec) {
    if (spec.defaultValue() != null) {
      return spec.defaultValue();
    }
    return switch (spec.type()) {
      case STRING -> text(spec.maxBytes());
      case ANY -> TEXT;
      case NUM -> NUMBER;
      case BOOLEAN -> true;
      case UUID -> UUID_VALUE;
      case DATETIME -> DATETIME_VALUE;
      case MAP -> map(spec);
      case LIST, LIST_STRING -> oneItem(spec, text(spec.maxItemBytes()));
      case LIST_NUM -> oneItem(spec, NUMBER);
      // a list's string items, UUIDs included, are bounded by max_item_bytes
      case LIST_UUID -> spec.maxItemBytes() < UUID_VALUE.length() ? new JsonArray() : oneItem(spec, UUID_VALUE);
      case LIST_MAP -> oneItem(spec, new JsonObject());
    };
  }

  private static String text(int maxBytes) {
    return TEXT.substring(0, Math.min(TEXT.length(), maxBytes));
  }

  private static JsonArray oneItem(ArgSpec spec, Object item) {
    return spec.maxItems() == 0 ? new JsonArray() : new JsonArray().add(item);
  }

  private static JsonObject map(ArgSpec spec) {
    JsonObject map = new JsonObject();
    spec.required().forEach(key -> map.put(key, text(spec.maxItemBytes())));
    return map;
  }
}
