package dev.genapi.relay;

import dev.genapi.api.ErrorCode;
import dev.genapi.api.FunConfig;
import dev.genapi.api.GenApiException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The relay functions and their arguments (ARCHITECTURE §9.1), checked like a FunConfig's {@code arg_types}: every
 * argument is required, none other is accepted, ids are non-empty strings of at most {@value #MAX_ID_BYTES} bytes,
 * a type is one of the group types and a message is any JSON value. Failures are {@code INVALID_ARGUMENT} with the
 * pipeline's messages.
 */
final class RelayArgs {

  /** The longest group or user id, in UTF-8 bytes. */
  static final int MAX_ID_BYTES = 256;

  private static final List<String> GROUP = List.of("group_id");
  private static final List<String> TARGET = List.of("group_id", "user_id");
  private static final Map<String, List<String>> FUNCTIONS = Map.of(
    "create_group", List.of("group_id", "type"), "delete_group", GROUP, "group_info", GROUP, "join_group", GROUP,
    "leave_group", GROUP, "accept_member", TARGET, "mute_member", TARGET, "unmute_member", TARGET,
    "send", List.of("group_id", "message"));

  private RelayArgs() {
  }

  /**
   * @throws GenApiException {@code NOT_FOUND} for an unknown function or a version other than 0.0.0 (or latest),
   *     {@code INVALID_ARGUMENT} for a missing, extra or ill-typed argument
   */
  static void check(String requestType, String version, JsonObject args) {
    List<String> names = FUNCTIONS.get(requestType);
    if (names == null || !(version == null || FunConfig.DEFAULT_VERSION.equals(version)
      || FunConfig.LATEST.equals(version))) {
      throw GenApiException.notFound(requestType, version == null ? FunConfig.DEFAULT_VERSION : version);
    }
    List<String> extra = args.fieldNames().stream().filter(name -> !names.contains(name)).sorted().toList();
    if (!extra.isEmpty()) {
      throw invalid("extra arguments for \"" + requestType + "\", extra: " + new JsonArray(extra).encode());
    }
    for (String name : names) {
      Object value = args.getValue(name);
      if (value == null) {
        throw invalid("missing or nil argument \"" + name + "\" in \"" + requestType + "\"");
      }
      if (!"message".equals(name)) {
        checkString(name, value);
      }
    }
    if (args.containsKey("type") && !Group.TYPES.contains(args.getString("type"))) {
      throw invalid("invalid argument value for \"type\", expected one of " + String.join(", ", Group.TYPES));
    }
  }

  private static void checkString(String name, Object value) {
    if (!(value instanceof String text)) {
      throw invalid("invalid argument type for \"" + name + "\", expected string, got " + typeOf(value));
    }
    if (text.isEmpty()) {
      throw invalid("invalid argument value for \"" + name + "\", expected a non-empty string");
    }
    if (text.getBytes(StandardCharsets.UTF_8).length > MAX_ID_BYTES) {
      throw invalid("invalid argument size for \"" + name + "\", max " + MAX_ID_BYTES + " bytes");
    }
  }

  private static String typeOf(Object value) {
    if (value instanceof Number) {
      return "num";
    }
    if (value instanceof Boolean) {
      return "boolean";
    }
    return value instanceof JsonObject ? "map" : "list";
  }

  private static GenApiException invalid(String message) {
    return new GenApiException(ErrorCode.INVALID_ARGUMENT, message);
  }
}
