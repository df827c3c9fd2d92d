package dev.genapi.ratelimit;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Objects;

/**
 * Which calls a limit applies to: every call ({@link #GLOBAL}), or the calls of one service and request_type. Its text
 * form, in the admin API, the {@code scope} tag of the rejection meter and the log, is {@code global} or
 * {@code <service>/<request_type>}.
 *
 * @param service the service of an API limit; {@code null} for the global scope
 * @param requestType the request_type of an API limit; {@code null} for the global scope
 */
public record LimitScope(String service, String requestType) {

  /** The scope of the limits every call is checked against. */
  public static final LimitScope GLOBAL = new LimitScope(null, null);

  private static final String GLOBAL_TEXT = "global";
  private static final String FORMS = "\"global\" or \"<service>/<request_type>\"";

  /**
   * @throws IllegalArgumentException unless both are non-empty, or both {@code null}
   */
  public LimitScope {
    if ((service == null) != (requestType == null) || "".equals(service) || "".equals(requestType)) {
      throw new IllegalArgumentException("service and request_type: both non-empty, or both absent (global)");
    }
  }

  /**
   * @param text {@code global} or {@code <service>/<request_type>}, split at the first {@code /}
   * @return that scope
   * @throws IllegalArgumentException for anything else, naming the two forms
   */
  public static LimitScope parse(Object text) {
    if (text == null) {
      throw new IllegalArgumentException("scope is required: " + FORMS);
    }
    if (GLOBAL_TEXT.equals(text)) {
      return GLOBAL;
    }
    int slash = text instanceof String s ? s.indexOf('/') : -1;
    String scope = String.valueOf(text);
    if (slash <= 0 || slash == scope.length() - 1) {
      throw new IllegalArgumentException("unknown scope " + Json.encode(text) + ": expected " + FORMS);
    }
    return new LimitScope(scope.substring(0, slash), scope.substring(slash + 1));
  }

  /**
   * Reads the scope of one limit's JSON form: its {@code service} and {@code request_type}, or neither for a global
   * limit.
   *
   * @param errors where a problem is added
   * @return the scope, or {@code null} after adding a problem
   */
  static LimitScope of(JsonObject limit, List<String> errors) {
    Object service = limit.getValue("service");
    Object requestType = limit.getValue("request_type");
    if (service == null && requestType == null) {
      return GLOBAL;
    }
    int before = errors.size();
    for (String name : List.of("service", "request_type")) {
      if (!(limit.getValue(name) instanceof String s && !s.isEmpty())) {
        errors.add(name + " must be a non-empty string");
      }
    }
    return errors.size() > before ? null : new LimitScope((String) service, (String) requestType);
  }

  /** @return whether this is the global scope */
  public boolean global() {
    return service == null;
  }

  /** @return whether the limit has this scope */
  public boolean covers(RateLimit limit) {
    return Objects.equals(service, limit.service()) && Objects.equals(requestType, limit.requestType());
  }

  /** @return {@code global} or {@code <service>/<request_type>} */
  @Override
  public String toString() {
    return global() ? GLOBAL_TEXT : service + '/' + requestType;
  }
}
