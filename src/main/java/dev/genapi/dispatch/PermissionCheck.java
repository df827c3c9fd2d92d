package dev.genapi.dispatch;

import dev.genapi.api.ErrorCode;
import dev.genapi.api.GenApiException;
import dev.genapi.api.Permission;
import dev.genapi.protocol.Request;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * The {@code check_permission} rules, evaluated against the caller's identity before rate limiting and argument
 * checks. Every denial is {@code PERMISSION_DENIED} "Permission denied".
 */
final class PermissionCheck implements Stage {

  @Override
  public Future<Request> apply(Call call) {
    check(call.function().permission(), call.request());
    return NEXT;
  }

  /**
   * @throws GenApiException {@code PERMISSION_DENIED} when the caller may not call
   */
  static void check(Permission permission, Request request) {
    boolean allowed = switch (permission.mode()) {
      case NONE -> true;
      case ANY_AUTHENTICATED -> authenticated(request);
      case ARG -> authenticated(request) && request.userId().equals(argValue(request.args(), permission.arg()));
      case ROLE -> request.userRoles().stream().anyMatch(permission.roles()::contains);
    };
    if (!allowed) {
      throw new GenApiException(ErrorCode.PERMISSION_DENIED, "Permission denied");
    }
  }

  private static boolean authenticated(Request request) {
    return request.userId() != null && !request.userId().isEmpty();
  }

  /** The arg at the top level, else in the first map-valued arg that has it (one level deep, as the original). */
  private static Object argValue(JsonObject args, String name) {
    Object value = args.getValue(name);
    if (value != null) {
      return value;
    }
    for (Object nested : args.getMap().values()) {
      if (nested instanceof JsonObject map && map.containsKey(name)) {
        return map.getValue(name);
      }
      if (nested instanceof java.util.Map<?, ?> map && map.containsKey(name)) {
        return map.get(name);
      }
    }
    return null;
  }
}
