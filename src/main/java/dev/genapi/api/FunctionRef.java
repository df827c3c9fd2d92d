package dev.genapi.api;

import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * A reference to a registered function by its registry key, as a FunConfig's {@code permission_callback} names it:
 * <pre>{@code {"service":"demo","request_type":"can_call","version":"0.0.0"}}</pre>
 * {@code version} is optional ({@value FunConfig#DEFAULT_VERSION} when absent) and may be
 * {@value FunConfig#LATEST} for the highest enabled version. Whether the function exists is known only when it is
 * called, since it may be registered after the function that refers to it.
 *
 * @param service the service of the function
 * @param requestType the function name
 * @param version the version, an exact one or {@value FunConfig#LATEST}
 */
public record FunctionRef(String service, String requestType, String version) {

  static final String INVALID = "permission_callback must be null or {\"service\":…,\"request_type\":…,"
    + "\"version\":…} with non-empty strings (version optional)";

  /**
   * @param value the JSON value, {@code null} for none
   * @param errors where a problem is reported
   * @return the reference, or {@code null} when there is none or it is invalid
   */
  static FunctionRef parse(Object value, List<String> errors) {
    if (value == null) {
      return null;
    }
    if (value instanceof JsonObject json && nonEmpty(json.getValue("service")) && nonEmpty(json.getValue("request_type"))
      && (json.getValue("version") == null || nonEmpty(json.getValue("version")))) {
      return new FunctionRef(json.getString("service"), json.getString("request_type"),
        json.getString("version", FunConfig.DEFAULT_VERSION));
    }
    errors.add(INVALID);
    return null;
  }

  private static boolean nonEmpty(Object value) {
    return value instanceof String s && !s.isEmpty();
  }

  /** @return whether this names that exact function version */
  public boolean names(String service, String requestType, String version) {
    return this.service.equals(service) && this.requestType.equals(requestType) && this.version.equals(version);
  }

  /** @return the JSON form, every field written */
  public JsonObject toJson() {
    return new JsonObject().put("service", service).put("request_type", requestType).put("version", version);
  }

  @Override
  public String toString() {
    return FunConfig.key(service, requestType, version);
  }
}
