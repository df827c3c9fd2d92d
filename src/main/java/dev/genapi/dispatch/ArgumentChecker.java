package dev.genapi.dispatch;

import dev.genapi.api.ArgSpec;
import dev.genapi.api.ArgType;
import dev.genapi.api.ErrorCode;
import dev.genapi.api.FunConfig;
import dev.genapi.api.GenApiException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks a call's arguments against the function's {@code arg_types}: undeclared args, missing values and defaults,
 * types and sizes. Every failure is an {@code INVALID_ARGUMENT} with the precise message. With no {@code arg_types}
 * nothing is checked.
 */
final class ArgumentChecker {

  private static final Pattern UUID = Pattern.compile(
    "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");

  private ArgumentChecker() {
  }

  /**
   * @return the args to pass on: the same object when valid as sent, or a copy with defaults filled in
   * @throws GenApiException {@code INVALID_ARGUMENT}
   */
  static JsonObject check(FunConfig function, JsonObject args) {
    Map<String, ArgSpec> specs = function.argTypes();
    if (specs.isEmpty()) {
      return args;
    }
    String name = function.requestType();
    List<String> extra = null;
    for (String key : args.fieldNames()) {
      if (!specs.containsKey(key)) {
        extra = extra == null ? new ArrayList<>() : extra;
        extra.add(key);
      }
    }
    if (extra != null) {
      throw invalid("extra arguments for \"" + name + "\", extra: " + new JsonArray(extra).encode());
    }
    JsonObject checked = args;
    for (Map.Entry<String, ArgSpec> entry : specs.entrySet()) {
      String arg = entry.getKey();
      ArgSpec spec = entry.getValue();
      Object value = args.getValue(arg);
      if (value == null && !args.containsKey(arg) && spec.defaultValue() != null) {
        value = spec.defaultValue();
        checked = checked == args ? args.copy() : checked;
        checked.put(arg, value);
      }
      if (value == null) {
        if (!spec.allowNil()) {
          throw invalid("missing or nil argument \"" + arg + "\" in \"" + name + "\"");
        }
      } else {
        checkValue(arg, spec, value, name);
      }
    }
    return checked;
  }

  private static void checkValue(String arg, ArgSpec spec, Object value, String name) {
    switch (spec.type()) {
      case ANY -> { }
      case STRING -> checkString(arg, expect(arg, String.class, value, "string"), spec.maxBytes());
      case NUM -> expect(arg, Number.class, value, "num");
      case BOOLEAN -> expect(arg, Boolean.class, value, "boolean");
      case UUID -> checkUuid(arg, value);
      case DATETIME -> checkDatetime(arg, value);
      case MAP -> checkMap(arg, spec, expect(arg, JsonObject.class, value, "map"), name);
      default -> checkList(arg, spec, expect(arg, JsonArray.class, value, "list"), name);
    }
  }

  private static <T> T expect(String arg, Class<T> type, Object value, String typeName) {
    if (!type.isInstance(value)) {
      throw invalid("invalid argument type for \"" + arg + "\", expected " + typeName + ", got " + typeOf(value));
    }
    return type.cast(value);
  }

  private static void checkString(String arg, String value, int maxBytes) {
    if (value.length() > maxBytes / 3 && utf8Length(value) > maxBytes) {
      throw invalid("invalid argument size for \"" + arg + "\", max " + maxBytes + " bytes");
    }
  }

  private static void checkUuid(String arg, Object value) {
    if (!(value instanceof String s) || !UUID.matcher(s).matches()) {
      throw invalid("invalid argument value for \"" + arg + "\", require a UUID format string");
    }
  }

  private static void checkDatetime(String arg, Object value) {
    try {
      if (value instanceof String s) {
        OffsetDateTime.parse(s);
        return;
      }
    } catch (DateTimeParseException e) {
      // reported below
    }
    throw invalid("invalid argument value for \"" + arg + "\", require an ISO-8601 datetime with offset");
  }

  private static void checkList(String arg, ArgSpec spec, JsonArray list, String name) {
    if (list.size() > spec.maxItems()) {
      throw invalid("invalid argument size for \"" + arg + "\" in \"" + name + "\", max " + spec.maxItems() + " items");
    }
    for (int i = 0; i < list.size(); i++) {
      Object item = list.getValue(i);
      String expected = itemType(spec.type(), item);
      if (expected != null) {
        throw invalid("invalid item " + i + " of \"" + arg + "\" in \"" + name + "\", expected " + expected
          + ", got " + typeOf(item));
      }
      if (item instanceof String s && utf8Length(s) > spec.maxItemBytes()) {
        throw invalid("invalid item size of \"" + arg + "\" in \"" + name + "\", max " + spec.maxItemBytes() + " bytes");
      }
    }
  }

  /** @return the expected item type when the item does not match, else {@code null} */
  private static String itemType(ArgType type, Object item) {
    return switch (type) {
      case LIST_STRING -> item instanceof String ? null : "string";
      case LIST_NUM -> item instanceof Number ? null : "num";
      case LIST_UUID -> item instanceof String s && UUID.matcher(s).matches() ? null : "uuid";
      case LIST_MAP -> item instanceof JsonObject ? null : "map";
      default -> isScalar(item) ? null : "string, num or boolean";
    };
  }

  private static void checkMap(String arg, ArgSpec spec, JsonObject map, String name) {
    if (map.size() > spec.maxItems()) {
      throw invalid("invalid argument size for \"" + arg + "\" in \"" + name + "\", max " + spec.maxItems() + " items");
    }
    if (spec.equals(ArgSpec.of(ArgType.MAP).withDefault(spec.defaultValue(), spec.allowNil()))) {
      return;
    }
    List<String> missing = spec.required().stream().filter(key -> !map.containsKey(key)).toList();
    if (!missing.isEmpty()) {
      throw invalid("map argument \"" + arg + "\" missing required keys: " + new JsonArray(missing).encode()
        + " in \"" + name + "\"");
    }
    if (!spec.accept().isEmpty()) {
      List<String> rejected = map.fieldNames().stream().filter(key -> !spec.accept().contains(key)).toList();
      if (!rejected.isEmpty()) {
        throw invalid("map argument \"" + arg + "\" contains rejected keys: " + new JsonArray(rejected).encode()
          + " in \"" + name + "\"");
      }
    }
    for (Map.Entry<String, Object> entry : map) {
      checkFlatValue(arg, entry.getKey(), entry.getValue(), spec);
    }
  }

  private static void checkFlatValue(String arg, String key, Object value, ArgSpec spec) {
    String where = "map argument \"" + arg + "\" key \"" + key + "\": ";
    if (value instanceof JsonObject) {
      throw invalid(where + "nested map is not supported yet");
    }
    if (value instanceof JsonArray list) {
      if (list.size() > spec.maxItems() || !list.stream().allMatch(ArgumentChecker::isScalar)) {
        throw invalid(where + "lists must be flat, at most " + spec.maxItems() + " strings, numbers or booleans");
      }
      return;
    }
    if (!isScalar(value)) {
      throw invalid(where + "unsupported type " + typeOf(value));
    }
    if (value instanceof String s && utf8Length(s) > spec.maxItemBytes()) {
      throw invalid(where + "max " + spec.maxItemBytes() + " bytes");
    }
  }

  private static boolean isScalar(Object value) {
    return value instanceof String || value instanceof Number || value instanceof Boolean;
  }

  private static String typeOf(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof JsonObject) {
      return "map";
    }
    if (value instanceof JsonArray) {
      return "list";
    }
    return value instanceof String ? "string" : value instanceof Number ? "num" : "boolean";
  }

  private static int utf8Length(String s) {
    int bytes = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        bytes++;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

  private static GenApiException invalid(String message) {
    return new GenApiException(ErrorCode.INVALID_ARGUMENT, message);
  }
}
