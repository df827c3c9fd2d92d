package dev.genapi.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The description of one function version, as pushed by service nodes, pulled by gateways and stored in the
 * cluster-wide registry. Its JSON form (snake_case) is the contract of ARCHITECTURE.md section 4:
 * <pre>{@code
 * {"service":"demo","request_type":"get_user","version":"2.0.0",
 *  "nodes":["node-a","node-b"], "choose_node_mode":"round_robin",
 *  "timeout":5000, "response_type":"sync",
 *  "arg_types":{"id":"string","fields":{"type":"list_string","max_items":10,"allow_nil":true}},
 *  "check_permission":{"mode":"role","roles":["admin"]},
 *  "request_info":true, "retry":{"mode":"all_nodes","count":3}, "idempotent":false, "disabled":false}
 * }</pre>
 * {@code idempotent} (default false) says whether a retry may re-send a call the node may already have received: a
 * function that is not idempotent is retried only where the gateway knows the call never ran.
 * Optional gateway hooks are named by {@code before_hook} and {@code after_hook}, each bounded by {@code hook_timeout}
 * (default {@value #DEFAULT_HOOK_TIMEOUT} ms).
 * {@code permission_callback} ({@link FunctionRef}, default none) names another registered function the gateway asks
 * before each call whether the caller may make it; {@code permission_cache_ms} (default
 * {@value #DEFAULT_PERMISSION_CACHE_MS}: no cache, at most {@value #MAX_PERMISSION_CACHE_MS}) keeps its answers per
 * caller for that long.
 * Instances are immutable and always valid: {@link #fromJson(JsonObject)} reports every problem at once.
 */
public final class FunConfig {

  /** The version of a function (and of a call) that names none. */
  public static final String DEFAULT_VERSION = "0.0.0";
  /** The version name that asks for the highest enabled version. */
  public static final String LATEST = "latest";
  /** The {@code nodes} value meaning "run in the gateway JVM". */
  public static final String LOCAL = "local";
  /** The {@code nodes} value meaning "every live node of the service". */
  public static final String ALL_NODES = "*";
  /** The default timeout, in milliseconds. */
  public static final int DEFAULT_TIMEOUT = 5000;
  /** The smallest timeout accepted, in milliseconds. */
  public static final int MIN_TIMEOUT = 100;
  /** The largest timeout accepted, in milliseconds. */
  public static final int MAX_TIMEOUT = 300_000;
  /** The default bound on each hook, in milliseconds. */
  public static final int DEFAULT_HOOK_TIMEOUT = 5000;
  /** The default time a permission callback's answer is kept, in milliseconds: not at all. */
  public static final int DEFAULT_PERMISSION_CACHE_MS = 0;
  /** The longest time a permission callback's answer may be kept, in milliseconds (one hour). */
  public static final int MAX_PERMISSION_CACHE_MS = 3_600_000;
  /** The longest {@code description}, in characters. */
  public static final int MAX_DESCRIPTION = 2000;

  private final String service;
  private final String requestType;
  private final String version;
  private final List<String> nodes;
  private final NodeMode nodeMode;
  private final int timeout;
  private final ResponseType responseType;
  private final Map<String, ArgSpec> argTypes;
  private final Permission permission;
  private final FunctionRef permissionCallback;
  private final int permissionCacheMs;
  private final boolean requestInfo;
  private final RetryPolicy retry;
  private final boolean idempotent;
  private final boolean disabled;
  private final String beforeHook;
  private final String afterHook;
  private final int hookTimeout;
  private final String description;
  private final ArgSpec resultType;
  // built once: a call asks for it at several stages
  private final String key;
  private volatile JsonObject sample;

  private FunConfig(JsonObject json, List<String> errors) {
    service = nonEmpty(json, "service", errors);
    requestType = nonEmpty(json, "request_type", errors);
    version = parseVersion(json.getValue("version"), errors);
    nodes = parseNodes(json.getValue("nodes"), errors);
    nodeMode = NodeMode.parse(json.getValue("choose_node_mode"), errors);
    timeout = parseTimeout(json.getValue("timeout"), errors);
    responseType = parseResponseType(json.getValue("response_type"), errors);
    argTypes = parseArgTypes(json.getValue("arg_types"), errors);
    permission = Permission.parse(json.getValue("check_permission"), errors);
    permissionCallback = FunctionRef.parse(json.getValue("permission_callback"), errors);
    permissionCacheMs = parsePermissionCacheMs(json, errors);
    requestInfo = bool(json, "request_info", errors);
    retry = RetryPolicy.parse(json.getValue("retry"), errors);
    idempotent = bool(json, "idempotent", errors);
    disabled = bool(json, "disabled", errors);
    beforeHook = optionalName(json, "before_hook", errors);
    afterHook = optionalName(json, "after_hook", errors);
    hookTimeout = parseHookTimeout(json.getValue("hook_timeout"), errors);
    description = parseDescription(json.getValue("description"), errors);
    resultType = json.getValue("result_type") == null ? null
      : ArgSpec.parseAt("result_type: ", json.getValue("result_type"), errors);
    key = key(service, requestType, version);
  }

  private FunConfig(FunConfig other, boolean disabled) {
    service = other.service;
    requestType = other.requestType;
    version = other.version;
    nodes = other.nodes;
    nodeMode = other.nodeMode;
    timeout = other.timeout;
    responseType = other.responseType;
    argTypes = other.argTypes;
    permission = other.permission;
    permissionCallback = other.permissionCallback;
    permissionCacheMs = other.permissionCacheMs;
    requestInfo = other.requestInfo;
    retry = other.retry;
    idempotent = other.idempotent;
    beforeHook = other.beforeHook;
    afterHook = other.afterHook;
    hookTimeout = other.hookTimeout;
    description = other.description;
    resultType = other.resultType;
    key = other.key;
    this.disabled = disabled;
  }

  /**
   * Reads a FunConfig from its JSON form; absent optional fields take their defaults.
   *
   * @param json the JSON form
   * @return the valid FunConfig
   * @throws InvalidConfigException listing every problem when the JSON is not a valid FunConfig
   */
  public static FunConfig fromJson(JsonObject json) {
    List<String> errors = new ArrayList<>();
    FunConfig config = new FunConfig(json, errors);
    if (!errors.isEmpty()) {
      throw new InvalidConfigException(errors);
    }
    return config;
  }

  /**
   * @return the JSON form, with every field written
   */
  public JsonObject toJson() {
    JsonObject args = new JsonObject();
    argTypes.forEach((name, spec) -> args.put(name, spec.toJson()));
    Object nodesJson = nodes.size() == 1 && (LOCAL.equals(nodes.get(0)) || ALL_NODES.equals(nodes.get(0)))
      ? nodes.get(0) : new JsonArray(nodes);
    return new JsonObject()
      .put("service", service).put("request_type", requestType).put("version", version)
      .put("nodes", nodesJson).put("choose_node_mode", nodeMode.toJson()).put("timeout", timeout)
      .put("response_type", responseType.jsonName()).put("arg_types", args)
      .put("check_permission", permission.toJson())
      .put("permission_callback", permissionCallback == null ? null : permissionCallback.toJson())
      .put("permission_cache_ms", permissionCacheMs).put("request_info", requestInfo)
      .put("retry", retry == null ? null : retry.toJson()).put("idempotent", idempotent).put("disabled", disabled)
      .put("before_hook", beforeHook).put("after_hook", afterHook).put("hook_timeout", hookTimeout)
      .put("description", description).put("result_type", resultType == null ? null : resultType.toJson());
  }

  /**
   * @return the JSON Schema (2020-12) of this function's {@code args}: each declared argument's
   *   {@link ArgSpec#jsonSchema()}, those without a default or nil required, no others allowed; any object when
   *   nothing is declared
   */
  public JsonObject argsSchema() {
    return ArgSchemas.args(argTypes);
  }

  /**
   * A complete, valid call of this function, as {@code GET /api/functions} shows it and the playground fills its form
   * from: {@code request_id} ({@code "sample-<request_type>"}), {@code service}, {@code request_type},
   * {@code version} and {@code args}, every declared argument at its {@link ArgSpec#sample() sample value}. It is
   * built on first use and kept with this instance.
   *
   * @return a copy of the sample call, free to change
   */
  public JsonObject sample() {
    JsonObject built = sample;
    if (built == null) {
      JsonObject args = new JsonObject();
      argTypes.forEach((name, spec) -> args.put(name, spec.sample()));
      built = new JsonObject().put("request_id", "sample-" + requestType).put("service", service)
        .put("request_type", requestType).put("version", version).put("args", args);
      sample = built;
    }
    return built.copy();
  }

  /** @return a copy with the {@code disabled} flag set as given */
  public FunConfig withDisabled(boolean disabled) {
    return disabled == this.disabled ? this : new FunConfig(this, disabled);
  }

  /** @return the service name */
  public String service() { return service; }
  /** @return the function name within the service */
  public String requestType() { return requestType; }
  /** @return the version, {@value #DEFAULT_VERSION} unless set */
  public String version() { return version; }
  /** @return node names, or the single value {@value #LOCAL} or {@value #ALL_NODES} */
  public List<String> nodes() { return nodes; }
  /** @return whether every live node of the service may serve this function */
  public boolean allNodes() { return nodes.size() == 1 && ALL_NODES.equals(nodes.get(0)); }
  /** @return whether the function runs in the gateway JVM */
  public boolean local() { return nodes.size() == 1 && LOCAL.equals(nodes.get(0)); }
  /** @return how a node is chosen */
  public NodeMode nodeMode() { return nodeMode; }
  /** @return the timeout in milliseconds */
  public int timeout() { return timeout; }
  /** @return how the function answers */
  public ResponseType responseType() { return responseType; }
  /** @return the declared arguments, in declaration order (empty: no checks) */
  public Map<String, ArgSpec> argTypes() { return argTypes; }
  /** @return who may call */
  public Permission permission() { return permission; }
  /** @return the function asked whether the caller may make each call, or {@code null} for none */
  public FunctionRef permissionCallback() { return permissionCallback; }
  /** @return how long an answer of the permission callback is kept per caller, in milliseconds (0: not kept) */
  public int permissionCacheMs() { return permissionCacheMs; }
  /** @return whether the handler receives request_id, user_id and device_id */
  public boolean requestInfo() { return requestInfo; }
  /** @return the retry policy, or {@code null} for none */
  public RetryPolicy retry() { return retry; }
  /**
   * @return whether running the function twice for one call is harmless, so a retry may re-send a call the node may
   *   already have received (after a timeout, or a node that left mid-call)
   */
  public boolean idempotent() { return idempotent; }
  /** @return whether this version is disabled */
  public boolean disabled() { return disabled; }
  /** @return the name of the gateway hook run before the permission check, or {@code null} */
  public String beforeHook() { return beforeHook; }
  /** @return the name of the gateway hook run on the final response, or {@code null} */
  public String afterHook() { return afterHook; }
  /** @return the bound on each hook, in milliseconds */
  public int hookTimeout() { return hookTimeout; }

  /** @return what the function does, for the catalogue, the schema and agents; {@code null} when not given */
  public String description() { return description; }

  /** @return the declared type of the result, for the schema and typed clients; {@code null} when not declared */
  public ArgSpec resultType() { return resultType; }

  /** @return the registry key {@code service/request_type/version} */
  public String key() {
    return key;
  }

  /** @return the registry key of that function version */
  public static String key(String service, String requestType, String version) {
    return service + '/' + requestType + '/' + version;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FunConfig other && toJson().equals(other.toJson());
  }

  @Override
  public int hashCode() {
    return key().hashCode();
  }

  @Override
  public String toString() {
    return toJson().encode();
  }

  /**
   * @return the value as an int when it is a whole number in int range (Java callers may put a {@code long}), else
   *   {@code null}
   */
  static Integer intValue(Object value) {
    if (value instanceof Integer i) {
      return i;
    }
    if ((value instanceof Long || value instanceof Short || value instanceof Byte)
      && ((Number) value).longValue() == ((Number) value).intValue()) {
      return ((Number) value).intValue();
    }
    return null;
  }

  private static String nonEmpty(JsonObject json, String key, List<String> errors) {
    if (json.getValue(key) instanceof String s && !s.isEmpty()) {
      return s;
    }
    errors.add(key + " must be a non-empty string");
    return null;
  }

  private static boolean bool(JsonObject json, String key, List<String> errors) {
    Object value = json.getValue(key, false);
    if (value instanceof Boolean b) {
      return b;
    }
    errors.add(key + " must be a boolean");
    return false;
  }

  private static String optionalName(JsonObject json, String key, List<String> errors) {
    Object value = json.getValue(key);
    if (value == null || value instanceof String s && !s.isEmpty()) {
      return (String) value;
    }
    errors.add(key + " must be null or the name of a registered hook");
    return null;
  }

  // after service, request_type and version: a callback must not name the function itself
  private int parsePermissionCacheMs(JsonObject json, List<String> errors) {
    if (permissionCallback != null && permissionCallback.names(service, requestType, version)) {
      errors.add("permission_callback must name another function, not this one");
    }
    Object value = json.getValue("permission_cache_ms");
    if (value == null) {
      return DEFAULT_PERMISSION_CACHE_MS;
    }
    Integer ms = intValue(value);
    if (ms == null || ms < 0 || ms > MAX_PERMISSION_CACHE_MS) {
      errors.add("permission_cache_ms must be an integer between 0 and " + MAX_PERMISSION_CACHE_MS);
      return DEFAULT_PERMISSION_CACHE_MS;
    }
    if (ms > 0 && json.getValue("permission_callback") == null) {
      errors.add("permission_cache_ms needs a permission_callback");
    }
    return ms;
  }

  private static int parseHookTimeout(Object value, List<String> errors) {
    if (value == null) {
      return DEFAULT_HOOK_TIMEOUT;
    }
    Integer t = intValue(value);
    if (t != null && t > 0) {
      return t;
    }
    errors.add("hook_timeout must be a positive integer");
    return DEFAULT_HOOK_TIMEOUT;
  }

  private static String parseVersion(Object value, List<String> errors) {
    if (value == null) {
      return DEFAULT_VERSION;
    }
    if (value instanceof String s && !s.isEmpty() && !LATEST.equals(s)) {
      return s;
    }
    errors.add("version must be a version string such as \"1.0.0\" (not empty, not \"latest\")");
    return DEFAULT_VERSION;
  }

  private static List<String> parseNodes(Object value, List<String> errors) {
    if (value == null) {
      return List.of(ALL_NODES);
    }
    if (LOCAL.equals(value) || ALL_NODES.equals(value)) {
      return List.of((String) value);
    }
    if (value instanceof JsonArray array && !array.isEmpty()
      && array.stream().allMatch(n -> n instanceof String s && !s.isEmpty())) {
      return array.stream().map(String.class::cast).distinct().toList();
    }
    errors.add("nodes must be a non-empty list of node names, \"local\" or \"*\"");
    return List.of(ALL_NODES);
  }

  private static int parseTimeout(Object value, List<String> errors) {
    if (value == null) {
      return DEFAULT_TIMEOUT;
    }
    Integer t = intValue(value);
    if (t != null && t >= MIN_TIMEOUT && t <= MAX_TIMEOUT) {
      return t;
    }
    errors.add("timeout must be an integer between " + MIN_TIMEOUT + " and " + MAX_TIMEOUT);
    return DEFAULT_TIMEOUT;
  }

  private static ResponseType parseResponseType(Object value, List<String> errors) {
    if (value == null) {
      return ResponseType.SYNC;
    }
    ResponseType type = ResponseType.fromJson(value);
    if (type == null) {
      errors.add("response_type must be sync, async, stream or none");
      return ResponseType.SYNC;
    }
    return type;
  }

  private static String parseDescription(Object value, List<String> errors) {
    if (value == null) {
      return null;
    }
    if (value instanceof String text && text.length() <= MAX_DESCRIPTION) {
      return text;
    }
    errors.add("description must be a string of at most " + MAX_DESCRIPTION + " characters");
    return null;
  }

  private static Map<String, ArgSpec> parseArgTypes(Object value, List<String> errors) {
    if (value == null) {
      return Map.of();
    }
    if (!(value instanceof JsonObject json)) {
      errors.add("arg_types must be an object of argument name to type");
      return Map.of();
    }
    Map<String, ArgSpec> specs = new LinkedHashMap<>();
    for (Map.Entry<String, Object> entry : json) {
      ArgSpec spec = ArgSpec.parse(entry.getKey(), entry.getValue(), errors);
      if (spec != null) {
        specs.put(entry.getKey(), spec);
      }
    }
    return Collections.unmodifiableMap(specs);
  }
}
