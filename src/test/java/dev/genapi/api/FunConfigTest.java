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

  private static FunConfig parse(String json) {
    return FunConfig.fromJson(new JsonObject(json));
  }

  private static List<String> reasons(String json) {
    return catchThrowableOfType(InvalidConfigException.class, () -> parse(json)).reasons();
  }

  @Test
  @DisplayName("takes the defaults of ARCHITECTURE section 4 for every optional field")
  void defaults() {
    FunConfig config = parse("{\"service\":\"demo\",\"request_type\":\"echo\"}");
    assertThat(config.version()).isEqualTo("0.0.0");
    assertThat(config.nodes()).containsExactly("*");
    assertThat(config.allNodes()).isTrue();
    assertThat(config.local()).isFalse();
    assertThat(config.nodeMode()).isEqualTo(NodeMode.RANDOM);
    assertThat(config.timeout()).isEqualTo(5000);
    assertThat(config.responseType()).isEqualTo(ResponseType.SYNC);
    assertThat(config.argTypes()).isEmpty();
    assertThat(config.permission()).isEqualTo(Permission.NONE);
    assertThat(config.requestInfo()).isFalse();
    assertThat(config.retry()).isNull();
    assertThat(config.disabled()).isFalse();
    assertThat(config.key()).isEqualTo("demo/echo/0.0.0");
  }

  @Test
  @DisplayName("reads every field of the documented example and writes it back unchanged")
  void fullRoundTrip() {
    FunConfig config = parse(FULL);
    assertThat(config.nodes()).containsExactly("node-a", "node-b");
    assertThat(config.nodeMode().kind()).isEqualTo(NodeMode.Kind.ROUND_ROBIN);
    assertThat(config.argTypes()).containsOnlyKeys("id", "fields");
    ArgSpec fields = config.argTypes().get("fields");
    assertThat(fields.type()).isEqualTo(ArgType.LIST_STRING);
    assertThat(fields.maxItems()).isEqualTo(10);
    assertThat(fields.allowNil()).isTrue();
    assertThat(config.argTypes().get("id")).isEqualTo(ArgSpec.of(ArgType.STRING));
    assertThat(config.permission()).isEqualTo(new Permission(Permission.Mode.ROLE, null, List.of("admin")));
    assertThat(config.retry()).isEqualTo(new RetryPolicy(RetryPolicy.Mode.ALL_NODES, 3));
    assertThat(config.requestInfo()).isTrue();
    assertThat(FunConfig.fromJson(config.toJson())).isEqualTo(config);
    assertThat(FunConfig.fromJson(config.toJson()).toJson()).isEqualTo(config.toJson());
  }

  @Test
  @DisplayName("reports every problem at once, in field order")
  void everyProblemAtOnce() {
    assertThat(reasons("""
      {"service":"","request_type":"x","timeout":50,"response_type":"bogus","retry":0,
       "arg_types":{"a":"text"},"disabled":"no"}"""))
      .containsExactly(
        "service must be a non-empty string",
        "timeout must be an integer between 100 and 300000",
        "response_type must be sync, async, stream or none",
        "arg_types.a: unknown type text",
        RetryPolicy.INVALID,
        "disabled must be a boolean");
  }

  @Test
  @DisplayName("accepts timeouts from 100 to 300000 ms only")
  void timeoutBounds() {
    assertThat(parse("{\"service\":\"s\",\"request_type\":\"t\",\"timeout\":100}").timeout()).isEqualTo(100);
    assertThat(parse("{\"service\":\"s\",\"request_type\":\"t\",\"timeout\":300000}").timeout()).isEqualTo(300_000);
    assertThat(reasons("{\"service\":\"s\",\"request_type\":\"t\",\"timeout\":99}")).hasSize(1);
    assertThat(reasons("{\"service\":\"s\",\"request_type\":\"t\",\"timeout\":300001}")).hasSize(1);
  }

  @Test
  @DisplayName("refuses an empty version and the reserved name latest")
  void versions() {
    assertThat(reasons("{\"service\":\"s\",\"request_type\":\"t\",\"version\":\"\"}")).hasSize(1);
    assertThat(reasons("{\"service\":\"s\",\"request_type\":\"t\",\"version\":\"latest\"}")).hasSize(1);
    assertThat(parse("{\"service\":\"s\",\"request_type\":\"t\",\"version\":\"1.2.3-beta\"}").version())
      .isEqualTo("1.2.3-beta");
  }

  @Test
  @DisplayName("nodes may be a list of names, local or *, never empty")
  void nodes() {
    assertThat(parse("{\"service\":\"s\",\"request_type\":\"t\",\"nodes\":\"local\"}").local()).isTrue();
    assertThat(parse("{\"service\":\"s\",\"request_type\":\"t\",\"nodes\":\"*\"}").allNodes()).isTrue();
    assertThat(parse("{\"service\":\"s\",\"request_type\":\"t\",\"nodes\":[\"a\",\"a\",\"b\"]}").nodes())
      .containsExactly("a", "b");
    assertThat(reasons("{\"service\":\"s\",\"request_type\":\"t\",\"nodes\":[]}"))
      .containsExactly("nodes must be a non-empty list of node names, \"local\" or \"*\"");
    assertThat(reasons("{\"service\":\"s\",\"request_type\":\"t\",\"nodes\":[\"\"]}")).hasSize(1);
  }

  @Test
  @DisplayName("choose_node_mode takes every documented form")
  void nodeModes() {
    assertThat(mode("\"hash\"")).isEqualTo(new NodeMode(NodeMode.Kind.HASH, null));
    assertThat(mode("{\"mode\":\"hash\",\"key\":\"id\"}")).isEqualTo(new NodeMode(NodeMode.Kind.HASH, "id"));
    assertThat(mode("{\"mode\":\"sticky\",\"key\":\"user_id\"}"))
      .isEqualTo(new NodeMode(NodeMode.Kind.STICKY, "user_id"));
    assertThat(reasons("{\"service\":\"s\",\"request_type\":\"t\",\"choose_node_mode\":\"sticky\"}"))
      .containsExactly(NodeMode.INVALID);
    assertThat(reasons("{\"service\":\"s\",\"request_type\":\"t\",\"choose_node_mode\":{\"mode\":\"hash\"}}"))
      .containsExactly(NodeMode.INVALID);
  }

  @Test
  @DisplayName("check_permission takes false, any_authenticated, arg and role; role needs roles")
  void permissions() {
    assertThat(permission("false")).isEqualTo(Permission.NONE);
    assertThat(permission("\"any_authenticated\"").mode()).isEqualTo(Permission.Mode.ANY_AUTHENTICATED);
    assertThat(permission("{\"mode\":\"arg\",\"arg\":\"user_id\"}").arg()).isEqualTo("user_id");
    assertThat(reasons("{\"service\":\"s\",\"request_type\":\"t\",\"check_permission\":{\"mode\":\"role\",\"roles\":[]}}"))
      .containsExactly(Permission.INVALID);
    assertThat(reasons("{\"service\":\"s\",\"request_type\":\"t\",\"check_permission\":true}"))
      .containsExactly(Permission.INVALID);
  }

  @Test
  @DisplayName("retry takes null, a positive count or a mode with a positive count")
  void retry() {
    assertThat(retry("3")).isEqualTo(new RetryPolicy(RetryPolicy.Mode.ALL_NODES, 3));
    assertThat(retry("{\"mode\":\"same_node\",\"count\":2}")).isEqualTo(new RetryPolicy(RetryPolicy.Mode.SAME_NODE, 2));
    assertThat(retry("null")).isNull();
    for (String bad : List.of("0", "-1", "\"x\"", "{\"mode\":\"same_node\",\"count\":0}", "{\"mode\":\"x\",\"count\":1}")) {
      assertThat(reasons("{\"service\":\"s\",\"request_type\":\"t\",\"retry\":" + bad + "}")).as(bad)
        .containsExactly(RetryPolicy.INVALID);
    }
  }

  @Test
  @DisplayName("arg_types take bare types or objects with options, and report bad options")
  void argTypes() {
    FunConfig config = parse("""
      {"service":"s","request_type":"t","arg_types":{
        "name":{"type":"string","max_bytes":20,"default":"anon"},
        "tags":{"type":"map","max_items":3,"required":["a"],"accept":["a","b"]},
        "id":"uuid"}}""");
    ArgSpec name = config.argTypes().get("name");
    assertThat(name.maxBytes()).isEqualTo(20);
    assertThat(name.defaultValue()).isEqualTo("anon");
    assertThat(name.maxItems()).isEqualTo(ArgSpec.DEFAULT_MAX_ITEMS);
    ArgSpec tags = config.argTypes().get("tags");
    assertThat(tags.required()).containsExactly("a");
    assertThat(tags.accept()).containsExactly("a", "b");
    assertThat(config.argTypes().keySet()).containsExactly("name", "tags", "id");
    assertThat(reasons("""
      {"service":"s","request_type":"t","arg_types":{
        "a":{"type":"string","max_bytes":-1,"allow_nil":"yes"},"b":{"max_items":2},"c":{"type":"map","required":"a"}}}"""))
      .containsExactly(
        "arg_types.a: max_bytes must be a non-negative integer",
        "arg_types.a: allow_nil must be a boolean",
        "arg_types.b: unknown or missing type null",
        "arg_types.c: required must be a list of strings");
  }

  @Test
  @DisplayName("withDisabled flips only the flag")
  void withDisabled() {
    FunConfig config = parse(FULL);
    FunConfig disabled = config.withDisabled(true);
    assertThat(disabled.disabled()).isTrue();
    assertThat(disabled.toJson().put("disabled", false)).isEqualTo(config.toJson());
    assertThat(config.withDisabled(false)).isSameAs(config);
  }

  @Test
  @DisplayName("an invalid config is never half-built: the exception carries the message of every reason")
  void exceptionMessage() {
    assertThatThrownBy(() -> parse("{}"))
      .isInstanceOf(InvalidConfigException.class)
      .hasMessage("service must be a non-empty string; request_type must be a non-empty string");
  }

  private static NodeMode mode(String json) {
    return parse("{\"service\":\"s\",\"request_type\":\"t\",\"choose_node_mode\":" + json + "}").nodeMode();
  }

  private static Permission permission(String json) {
    return parse("{\"service\":\"s\",\"request_type\":\"t\",\"check_permission\":" + json + "}").permission();
  }

  private static RetryPolicy retry(String json) {
    return parse("{\"service\":\"s\",\"request_type\":\"t\",\"retry\":" + json + "}").retry();
  }
}
