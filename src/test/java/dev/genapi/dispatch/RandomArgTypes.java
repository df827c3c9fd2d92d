package dev.genapi.dispatch;

import dev.genapi.api.ArgType;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Draws valid {@code arg_types} objects: one to five args of every type, bare or with options, the limits absent or
 * small (so that empty lists, cut strings and UUIDs over {@code max_item_bytes} come up often), {@code allow_nil},
 * accepted and required map keys that a map can hold, and a valid default half of the time.
 */
final class RandomArgTypes {

  private static final List<String> KEYS = List.of("a", "b", "c", "d");
  private static final ArgType[] TYPES = ArgType.values();

  private final SplittableRandom random;

  RandomArgTypes(long seed) {
    random = new SplittableRandom(seed);
  }

  /** @return the next {@code arg_types} object */
  JsonObject next() {
    JsonObject argTypes = new JsonObject();
    int args = 1 + random.nextInt(5);
    for (int i = 0; i < args; i++) {
      ArgType type = TYPES[random.nextInt(TYPES.length)];
      argTypes.put("arg" + i, random.nextBoolean() ? type.jsonName() : withOptions(type));
    }
    return argTypes;
  }

  private JsonObject withOptions(ArgType type) {
    JsonObject spec = new JsonObject().put("type", type.jsonName()).put("max_bytes", maybe(41))
      .put("max_items", maybe(5)).put("max_item_bytes", maybe(41))
      .put("allow_nil", random.nextInt(3) == 0 ? null : random.nextBoolean());
    spec.fieldNames().removeIf(key -> spec.getValue(key) == null);
    List<String> keys = new ArrayList<>(KEYS);
    Collections.shuffle(keys, new java.util.Random(random.nextLong()));
    keys = keys.subList(0, random.nextInt(KEYS.size() + 1));
    int room = spec.getInteger("max_items", Integer.MAX_VALUE);
    if (random.nextBoolean()) {
      spec.put("accept", new JsonArray(keys));
    }
    spec.put("required", new JsonArray(keys.subList(0, Math.min(room, random.nextInt(keys.size() + 1)))));
    if (random.nextBoolean()) {
      spec.put("default", validDefault(type, spec));
    }
    return spec;
  }

  /** @return a number below the bound, or {@code null} (the option absent) one time in three */
  private Integer maybe(int bound) {
    return random.nextInt(3) == 0 ? null : random.nextInt(bound);
  }

  private Object validDefault(ArgType type, JsonObject spec) {
    return switch (type) {
      case STRING -> "d".repeat(random.nextInt(Math.min(8, spec.getInteger("max_bytes", 3000)) + 1));
      case NUM -> random.nextBoolean() ? random.nextInt() : random.nextDouble() * 1e6;
      case BOOLEAN -> random.nextBoolean();
      case UUID -> new UUID(random.nextLong(), random.nextLong()).toString();
      case DATETIME -> OffsetDateTime.ofInstant(Instant.ofEpochSecond(random.nextLong(4_000_000_000L)),
        ZoneOffset.ofHours(random.nextInt(-12, 15))).toString();
      case ANY -> random.nextBoolean() ? "x" : 7;
      case MAP -> {
        JsonObject map = new JsonObject();
        spec.getJsonArray("required").forEach(key -> map.put((String) key, 1));
        yield map;
      }
      default -> new JsonArray();
    };
  }
}
