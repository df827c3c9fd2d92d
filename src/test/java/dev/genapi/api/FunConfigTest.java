package dev.genapi.api;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

@DisplayName("FunConfig")
class FunConfigTest {

  private static final String FULL = """
    {"service":"demo","request_type":"get_user","version":"2.0.0",
     "nodes":["node-a","node-b"], "choose_node_mode":"round_robin",
     "timeout":5000, "response_type":"sync",
     "arg_types":{"id":"string","fields":{"type":"list_string","max_items":10,"allow_nil":true}},
     "check_permission":{"mode":"role","roles":["admin"]},
     "request_info":true, "retry":{"mode":"all_nodes","count":3}, "disabled":false}""";

  private static final String NODE_MODE = "choose_node_mode must be random, hash, round_robin, "
    + "{\"mode\":\"hash\",\"key\":k} or {\"mode\":\"sticky\",\"key\":k}";
  private static final String PERMISSION = "check_permission must be false, \"any_authenticated\", "
    + "{\"mode\":\"arg\",\"arg\":name} or {\"mode\":\"role\",\"roles\":[...]}";
  private static final String RETRY = "retry must be null, a positive integer, "
    + "{\"mode\":\"same_node\",\"count\":n} or {\"mode\":\"all_nodes\",\"count\":n}";
  private static final String TIMEOUT = "timeout must be an integer between 100 and 300000";
  private static final String VERSION = "version must be a version string such as \"1.0.0\" (not empty, not \"latest\")";

  private static FunConfig parse(String json) {
    return FunConfig.fromJson(new JsonObject(json));
  }

  private static FunConfig with(String field, String value) {
    return parse(base(field, value));
  }

  private static List<String> reasonsWith(String field, String value) {
    return reasons(base(field, value));
  }

  private static String base(String field, String value) {
    return "{\"service\":\"s\",\"request_type\":\"t\",\"" + field + "\":" + value + "}";
  }

  private static List<String> reasons(String json) {
    InvalidConfigException e = catchThrowableOfType(InvalidConfigException.class, () -> parse(json));
    assertThat(e).as("InvalidConfigException for %s", json).isNotNull();
    return e.reasons();
  }

  @Test
  @DisplayName("takes the documented default for every optional field; key() is service/request_type/version")
  void defaults() {
    FunConfig config = parse("{\"service\":\"demo\",\"request_type\":\"echo\"}");
    assertThat(config.version()).isEqualTo("0.0.0");
    assertThat(config.nodes()).containsExactly("*");
    assertThat(config.allNodes() && !config.local()).isTrue();
    assertThat(config.nodeMode()).isEqualTo(new NodeMode(NodeMode.Kind.RANDOM, null));
    assertThat(config.timeout()).isEqualTo(5000);
    assertThat(config.responseType()).isEqualTo(ResponseType.SYNC);
    assertThat(config.argTypes()).isEmpty();
    assertThat(config.permission()).isEqualTo(new Permission(Permission.Mode.NONE, null, List.of()));
    assertThat(config.requestInfo()).isFalse();
    assertThat(config.retry()).isNull();
    assertThat(config.idempotent()).as("a function is not idempotent unless it says so").isFalse();
    assertThat(config.disabled()).isFalse();
    assertThat(config.beforeHook()).isNull();
    assertThat(config.afterHook()).isNull();
    assertThat(config.hookTimeout()).isEqualTo(5000);
    assertThat(config.permissionCallback()).isNull();
    assertThat(config.permissionCacheMs()).as("no callback answer is kept unless it says so").isZero();
    assertThat(config.key()).isEqualTo("demo/echo/0.0.0");
  }

  @Test
  @DisplayName("reports every problem at once, in the order the fields are checked")
  void everyProblemAtOnce() {
    assertThat(reasons("""
      {"service":"","request_type":"x","timeout":50,"response_type":"bogus","retry":0,
       "arg_types":{"a":"text"},"disabled":"no"}"""))
      .containsExactly(
        "service must be a non-empty string",
        TIMEOUT,
        "response_type must be sync, async, stream or none",
        "arg_types.a: unknown type text",
        RETRY,
        "disabled must be a boolean");
    assertThatThrownBy(() -> parse("{}"))
      .isInstanceOf(InvalidConfigException.class)
      .hasMessage("service must be a non-empty string; request_type must be a non-empty string");
  }

  @Test
  @DisplayName("accepts timeouts from 100 to 300000 ms only")
  void timeoutBounds() {
    assertThat(with("timeout", "100").timeout()).isEqualTo(100);
    assertThat(with("timeout", "300000").timeout()).isEqualTo(300_000);
    assertThat(reasonsWith("timeout", "99")).containsExactly(TIMEOUT);
    assertThat(reasonsWith("timeout", "300001")).containsExactly(TIMEOUT);
    assertThat(reasonsWith("timeout", "\"5000\"")).containsExactly(TIMEOUT);
  }

  @Test
  @DisplayName("refuses an empty version and the reserved name latest")
  void versions() {
    assertThat(reasonsWith("version", "\"\"")).containsExactly(VERSION);
    assertThat(reasonsWith("version", "\"latest\"")).containsExactly(VERSION);
    assertThat(with("version", "\"1.2.3-beta\"").version()).isEqualTo("1.2.3-beta");
  }

  @Test
  @DisplayName("nodes may be local, *, or a non-empty list of names (duplicates dropped)")
  void nodes() {
    FunConfig local = with("nodes", "\"local\"");
    assertThat(local.nodes()).containsExactly("local");
    assertThat(local.local() && !local.allNodes()).isTrue();
    assertThat(with("nodes", "\"*\"").allNodes()).isTrue();
    FunConfig listed = with("nodes", "[\"a\",\"a\",\"b\"]");
    assertThat(listed.nodes()).containsExactly("a", "b");
    assertThat(listed.local() || listed.allNodes()).isFalse();
    for (String bad : List.of("[]", "[\"\"]", "\"node-a\"")) {
      assertThat(reasonsWith("nodes", bad)).as(bad).containsExactly("nodes must be a non-empty list of node names, \"local\" or \"*\"");
    }
  }

  @Test
  @DisplayName("choose_node_mode takes random, hash, round_robin and the keyed hash and sticky objects")
  void nodeModes() {
    assertThat(with("choose_node_mode", "\"random\"").nodeMode()).isEqualTo(NodeMode.RANDOM);
    assertThat(with("choose_node_mode", "\"hash\"").nodeMode()).isEqualTo(new NodeMode(NodeMode.Kind.HASH, null));
    assertThat(with("choose_node_mode", "\"round_robin\"").nodeMode())
      .isEqualTo(new NodeMode(NodeMode.Kind.ROUND_ROBIN, null));
    assertThat(with("choose_node_mode", "{\"mode\":\"hash\",\"key\":\"id\"}").nodeMode())
      .isEqualTo(new NodeMode(NodeMode.Kind.HASH, "id"));
    assertThat(with("choose_node_mode", "{\"mode\":\"sticky\",\"key\":\"user_id\"}").nodeMode())
      .isEqualTo(new NodeMode(NodeMode.Kind.STICKY, "user_id"));
    for (String bad : List.of("\"sticky\"", "\"RANDOM\"", "{\"mode\":\"hash\"}", "{\"mode\":\"sticky\",\"key\":\"\"}",
      "{\"mode\":\"round_robin\",\"key\":\"id\"}", "3")) {
      assertThat(reasonsWith("choose_node_mode", bad)).as(bad).containsExactly(NODE_MODE);
    }
  }

  @Test
  @DisplayName("check_permission takes false, any_authenticated, arg and role; role needs roles")
  void permissions() {
    assertThat(with("check_permission", "false").permission()).isEqualTo(Permission.NONE);
    assertThat(with("check_permission", "\"any_authenticated\"").permission())
      .isEqualTo(new Permission(Permission.Mode.ANY_AUTHENTICATED, null, List.of()));
    assertThat(with("check_permission", "{\"mode\":\"arg\",\"arg\":\"user_id\"}").permission())
      .isEqualTo(new Permission(Permission.Mode.ARG, "user_id", List.of()));
    assertThat(with("check_permission", "{\"mode\":\"role\",\"roles\":[\"admin\",\"ops\"]}").permission())
      .isEqualTo(new Permission(Permission.Mode.ROLE, null, List.of("admin", "ops")));
    for (String bad : List.of("{\"mode\":\"role\",\"roles\":[]}", "{\"mode\":\"role\"}", "{\"mode\":\"role\",\"roles\":[\"\"]}",
      "{\"mode\":\"arg\"}", "true", "\"admin\"")) {
      assertThat(reasonsWith("check_permission", bad)).as(bad).containsExactly(PERMISSION);
    }
  }

  @Test
  @DisplayName("retry takes null, a positive count (all nodes) or a mode with a positive count")
  void retry() {
    assertThat(with("retry", "null").retry()).isNull();
    assertThat(with("retry", "3").retry()).isEqualTo(new RetryPolicy(RetryPolicy.Mode.ALL_NODES, 3));
    assertThat(with("retry", "{\"mode\":\"same_node\",\"count\":2}").retry())
      .isEqualTo(new RetryPolicy(RetryPolicy.Mode.SAME_NODE, 2));
    assertThat(with("retry", "{\"mode\":\"all_nodes\",\"count\":1}").retry())
      .isEqualTo(new RetryPolicy(RetryPolicy.Mode.ALL_NODES, 1));
    for (String bad : List.of("0", "-1", "\"x\"", "{\"mode\":\"same_node\",\"count\":0}", "{\"mode\":\"x\",\"count\":1}",
      "{\"count\":2}")) {
      assertThat(reasonsWith("retry", bad)).as(bad).containsExactly(RETRY);
    }
  }

  @Test
  @DisplayName("idempotent takes a boolean, is written by toJson and makes a different config")
  void idempotent() {
    FunConfig config = with("idempotent", "true");
    assertThat(config.idempotent()).isTrue();
    assertThat(config.toJson().getBoolean("idempotent")).isTrue();
    assertThat(FunConfig.fromJson(config.toJson())).isEqualTo(config);
    assertThat(config).isNotEqualTo(with("idempotent", "false"));
    assertThat(config.withDisabled(true).idempotent()).isTrue();
    for (String bad : List.of("\"yes\"", "1", "{}")) {
      assertThat(reasonsWith("idempotent", bad)).as(bad).containsExactly("idempotent must be a boolean");
    }
  }

  @Test
  @DisplayName("permission_callback names another function (version 0.0.0 unless given, latest allowed) and "
    + "permission_cache_ms keeps its answers for 0 to 3600000 ms")
  void permissionCallback() {
    FunConfig config = parse("""
      {"service":"s","request_type":"t","permission_callback":{"service":"auth","request_type":"may","version":"2.0.0"},
       "permission_cache_ms":1500}""");
    assertThat(config.permissionCallback()).isEqualTo(new FunctionRef("auth", "may", "2.0.0"));
    assertThat(config.permissionCacheMs()).isEqualTo(1500);
    assertThat(with("permission_callback", "{\"service\":\"auth\",\"request_type\":\"may\"}")
      .permissionCallback()).isEqualTo(new FunctionRef("auth", "may", "0.0.0"));
    assertThat(with("permission_callback", "{\"service\":\"s\",\"request_type\":\"may\",\"version\":\"latest\"}")
      .permissionCallback().version()).isEqualTo("latest");
    assertThat(with("permission_callback", "null").permissionCallback()).isNull();
    assertThat(parse("""
      {"service":"s","request_type":"t","permission_callback":{"service":"s","request_type":"may"},
       "permission_cache_ms":3600000}""").permissionCacheMs()).isEqualTo(3_600_000);
  }

  @Test
  @DisplayName("permission_callback and permission_cache_ms report bad values, a callback naming its own function and "
    + "a cache without a callback")
  void badPermissionCallbacks() {
    String invalid = "permission_callback must be null or {\"service\":…,\"request_type\":…,\"version\":…} with "
      + "non-empty strings (version optional)";
    for (String bad : List.of("\"auth.may\"", "true", "{\"service\":\"auth\"}", "{\"request_type\":\"may\"}",
      "{\"service\":\"\",\"request_type\":\"may\"}", "{\"service\":\"auth\",\"request_type\":\"may\",\"version\":\"\"}",
      "{\"service\":\"auth\",\"request_type\":\"may\",\"version\":2}")) {
      assertThat(reasonsWith("permission_callback", bad)).as(bad).containsExactly(invalid);
    }
    assertThat(reasonsWith("permission_callback", "{\"service\":\"s\",\"request_type\":\"t\"}"))
      .containsExactly("permission_callback must name another function, not this one");
    String cache = "permission_cache_ms must be an integer between 0 and 3600000";
    String callback = ",\"permission_callback\":{\"service\":\"auth\",\"request_type\":\"may\"}}";
    for (String bad : List.of("-1", "3600001", "\"1000\"", "1.5")) {
      assertThat(reasons("{\"service\":\"s\",\"request_type\":\"t\",\"permission_cache_ms\":" + bad + callback))
        .as(bad).containsExactly(cache);
    }
    assertThat(reasonsWith("permission_cache_ms", "1000")).containsExactly("permission_cache_ms needs a permission_callback");
    assertThat(with("permission_cache_ms", "0").permissionCacheMs()).isZero();
    assertThat(reasons("{\"service\":\"s\",\"request_type\":\"t\",\"permission_callback\":\"x\",\"permission_cache_ms\":10}"))
      .as("a bad callback is reported once, not again as missing").containsExactly(invalid);
  }

  @Test
  @DisplayName("arg_types take bare types or objects with options, in declaration order")
  void argTypes() {
    FunConfig config = with("arg_types", """
      {"name":{"type":"string","max_bytes":20,"default":"anon","allow_nil":true},
       "ids":{"type":"list_uuid","max_items":5,"max_item_bytes":36},
       "tags":{"type":"map","required":["a"],"accept":["a","b"]},
       "id":"uuid"}""");
    assertThat(config.argTypes().keySet()).containsExactly("name", "ids", "tags", "id");
    assertThat(config.argTypes().get("name"))
      .isEqualTo(new ArgSpec(ArgType.STRING, 20, 1000, 3000, true, "anon", List.of(), List.of()));
    assertThat(config.argTypes().get("ids"))
      .isEqualTo(new ArgSpec(ArgType.LIST_UUID, 3000, 5, 36, false, null, List.of(), List.of()));
    assertThat(config.argTypes().get("tags"))
      .isEqualTo(new ArgSpec(ArgType.MAP, 3000, 1000, 3000, false, null, List.of("a"), List.of("a", "b")));
    assertThat(config.argTypes().get("id")).isEqualTo(ArgSpec.of(ArgType.UUID));
    assertThat(with("arg_types", "{\"n\":{\"type\":\"num\",\"max_bytes\":0}}").argTypes().get("n").maxBytes()).isZero();
  }

  @Test
  @DisplayName("arg_types report every bad option with the argument's name")
  void badArgOptions() {
    assertThat(reasonsWith("arg_types", """
      {"a":{"type":"string","max_bytes":-1,"allow_nil":"yes"},"b":{"max_items":2},
       "c":{"type":"map","required":"a","accept":[1]},"d":"text","e":{"type":"list","max_items":"9"}}"""))
      .containsExactly(
        "arg_types.a: max_bytes must be a non-negative integer",
        "arg_types.a: allow_nil must be a boolean",
        "arg_types.b: unknown or missing type null",
        "arg_types.c: required must be a list of strings",
        "arg_types.c: accept must be a list of strings",
        "arg_types.d: unknown type text",
        "arg_types.e: max_items must be a non-negative integer");
    assertThat(reasonsWith("arg_types", "[\"string\"]")).containsExactly("arg_types must be an object of argument name to type");
  }

  @Test
  @DisplayName("the Javadoc example is read field by field and survives toJson then fromJson")
  void javadocRoundTrip() {
    FunConfig config = parse(FULL);
    assertThat(config.nodes()).containsExactly("node-a", "node-b");
    assertThat(config.nodeMode()).isEqualTo(new NodeMode(NodeMode.Kind.ROUND_ROBIN, null));
    assertThat(config.argTypes().get("id")).isEqualTo(ArgSpec.of(ArgType.STRING));
    assertThat(config.argTypes().get("fields"))
      .isEqualTo(new ArgSpec(ArgType.LIST_STRING, 3000, 10, 3000, true, null, List.of(), List.of()));
    assertThat(config.permission()).isEqualTo(new Permission(Permission.Mode.ROLE, null, List.of("admin")));
    assertThat(config.retry()).isEqualTo(new RetryPolicy(RetryPolicy.Mode.ALL_NODES, 3));
    assertThat(config.requestInfo()).isTrue();
    assertThat(config.key()).isEqualTo("demo/get_user/2.0.0").isEqualTo(FunConfig.key("demo", "get_user", "2.0.0"));
    FunConfig again = FunConfig.fromJson(config.toJson());
    assertThat(again).isEqualTo(config).hasSameHashCodeAs(config);
    assertThat(again.toJson()).isEqualTo(config.toJson());
    assertThat(config.toJson().getJsonObject("arg_types").getValue("id")).isEqualTo("string");
  }

  @Test
  @DisplayName("a config using every other form also survives toJson then fromJson")
  void everyFormRoundTrip() {
    FunConfig config = parse("""
      {"service":"demo","request_type":"feed","version":"1.0.0","nodes":"local",
       "choose_node_mode":{"mode":"sticky","key":"user_id"},"timeout":300000,"response_type":"stream",
       "arg_types":{"m":{"type":"map","default":{"k":1},"required":["k"],"accept":["k"]}},
       "check_permission":{"mode":"arg","arg":"user_id"},"retry":{"mode":"same_node","count":2},
       "disabled":true,"before_hook":"audit","after_hook":"redact","hook_timeout":250,
       "permission_callback":{"service":"auth","request_type":"may","version":"1.0.0"},"permission_cache_ms":2000}""");
    assertThat(config.responseType()).isEqualTo(ResponseType.STREAM);
    assertThat(config.toJson().getJsonObject("permission_callback"))
      .isEqualTo(new JsonObject().put("service", "auth").put("request_type", "may").put("version", "1.0.0"));
    assertThat(config.toJson().getInteger("permission_cache_ms")).isEqualTo(2000);
    assertThat(List.of(config.beforeHook(), config.afterHook())).containsExactly("audit", "redact");
    assertThat(config.hookTimeout()).isEqualTo(250);
    FunConfig again = FunConfig.fromJson(config.toJson());
    assertThat(again).isEqualTo(config);
    assertThat(again.toJson()).isEqualTo(config.toJson());
    assertThat(again.local() && again.disabled()).isTrue();
    assertThat(again.argTypes().get("m").defaultValue()).isEqualTo(new JsonObject().put("k", 1));
    assertThat(FunConfig.fromJson(config.toJson().put("timeout", 100))).isNotEqualTo(config);
    assertThat(FunConfig.fromJson(config.toJson().put("permission_cache_ms", 0))).isNotEqualTo(config);
    assertThat(again.withDisabled(false).permissionCallback()).isEqualTo(config.permissionCallback());
    assertThat(again.withDisabled(false).permissionCacheMs()).isEqualTo(2000);
  }

  @Test
  @DisplayName("withDisabled changes only the flag and returns the same instance when nothing changes")
  void withDisabled() {
    FunConfig config = parse(FULL);
    FunConfig disabled = config.withDisabled(true);
    assertThat(disabled.disabled() && !config.disabled()).isTrue();
    assertThat(disabled).isNotEqualTo(config);
    assertThat(disabled.toJson().put("disabled", false)).isEqualTo(config.toJson());
    assertThat(config.withDisabled(false)).isSameAs(config);
    assertThat(disabled.withDisabled(true)).isSameAs(disabled);
    assertThat(disabled.withDisabled(false)).isEqualTo(config);
  }

  @Test
  @DisplayName("Java callers may put long numbers: timeouts, retry counts and arg limits in int range are accepted")
  void longNumbersFromJava() {
    FunConfig config = FunConfig.fromJson(new JsonObject().put("service", "s").put("request_type", "t")
      .put("timeout", 2500L).put("hook_timeout", 300L).put("retry", new JsonObject().put("mode", "same_node")
        .put("count", 2L)).put("arg_types", new JsonObject().put("name", new JsonObject().put("type", "string")
          .put("max_bytes", 64L))));
    assertThat(config.timeout()).isEqualTo(2500);
    assertThat(config.hookTimeout()).isEqualTo(300);
    assertThat(config.retry()).isEqualTo(new RetryPolicy(RetryPolicy.Mode.SAME_NODE, 2));
    assertThat(config.argTypes().get("name").maxBytes()).isEqualTo(64);
    assertThat(FunConfig.fromJson(new JsonObject().put("service", "s").put("request_type", "t")
      .put("permission_callback", new JsonObject().put("service", "auth").put("request_type", "may"))
      .put("permission_cache_ms", 500L)).permissionCacheMs()).isEqualTo(500);
    assertThatThrownBy(() -> FunConfig.fromJson(new JsonObject().put("service", "s").put("request_type", "t")
      .put("timeout", 5_000_000_000L))).isInstanceOf(InvalidConfigException.class);
  }

  @Test
  @DisplayName("the sample call has every arg at its default or at a small value of its type within its limits, "
    + "and each sample is a copy")
  void sample() {
    FunConfig config = parse("""
      {"service":"shop","request_type":"order","version":"1.2.0","arg_types":{
       "note":"string","code":{"type":"string","max_bytes":2},"qty":{"type":"num","default":5},"paid":"boolean",
       "id":"uuid","at":"datetime","extra":"any","tags":"list_string","ids":{"type":"list_uuid","max_item_bytes":10},
       "none":{"type":"list_num","max_items":0},"lines":"list_map","opts":{"type":"map","required":["k"]}}}""");
    assertThat(config.sample()).isEqualTo(new JsonObject("""
      {"request_id":"sample-order","service":"shop","request_type":"order","version":"1.2.0","args":{
       "note":"text","code":"te","qty":5,"paid":true,"id":"123e4567-e89b-12d3-a456-426614174000",
       "at":"2024-01-01T00:00:00Z","extra":"text","tags":["text"],"ids":[],"none":[],"lines":[{}],
       "opts":{"k":"text"}}}"""));
    config.sample().getJsonObject("args").put("qty", 6);
    assertThat(config.sample().getJsonObject("args").getValue("qty")).isEqualTo(5);
  }
}
