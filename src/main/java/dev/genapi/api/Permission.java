package dev.genapi.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * Who may call a function ({@code check_permission}).
 *
 * @param mode the rule
 * @param arg for {@link Mode#ARG}: the arg that must equal the caller's user_id
 * @param roles for {@link Mode#ROLE}: the caller needs at least one of these roles
 */
public record Permission(Mode mode, String arg, List<String> roles) {

  /** The permission rules. */
  public enum Mode { NONE, ANY_AUTHENTICATED, ARG, ROLE }

  /** Everyone may call ({@code false}). */
  public static final Permission NONE = new Permission(Mode.NONE, null, List.of());

  static final String INVALID = "check_permission must be false, \"any_authenticated\", "
    + "{\"mode\":\"arg\",\"arg\":name} or {\"mode\":\"role\",\"roles\":[...]}";

  static Permission parse(Object value, List<String> errors) {
    if (value == null || Boolean.FALSE.equals(value)) {
      return NONE;
    }
    if ("any_authenticated".equals(value)) {
      return new Permission(Mode.ANY_AUTHENTICATED, null, List.of());
    }
    if (value instanceof JsonObject json) {
      Object mode = json.getValue("mode");
      if ("arg".equals(mode) && json.getValue("arg") instanceof String arg && !arg.isEmpty()) {
        return new Permission(Mode.ARG, arg, List.of());
      }
      if ("role".equals(mode) && json.getValue("roles") instanceof JsonArray roles && !roles.isEmpty()
        && roles.stream().allMatch(r -> r instanceof String s && !s.isEmpty())) {
        return new Permission(Mode.ROLE, null, roles.stream().map(String.class::cast).toList());
      }
    }
    errors.add(INVALID);
    return NONE;
  }

  Object toJson() {
    return switch (mode) {
      case NONE -> false;
      case ANY_AUTHENTICATED -> "any_authenticated";
      case ARG -> new JsonObject().put("mode", "arg").put("arg", arg);
      case ROLE -> new JsonObject().put("mode", "role").put("roles", new JsonArray(roles));
    };
  }
}
