package dev.genapi.gateway;

import dev.genapi.api.FunConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("MCP tool names: stable, unique, within the SDK's pattern")
class McpToolNamesTest {

  @Test
  @DisplayName("<service>.<request_type>, with .v<version> only while two versions are enabled")
  void versions() {
    Map<String, FunConfig> named = McpTools.named(List.of(f("demo", "echo", "0.0.0"), f("demo", "get_user", "1.0.0"),
      f("demo", "get_user", "2.0.0-beta+7")));
    assertThat(named.keySet()).containsExactly("demo.echo", "demo.get_user.v1_0_0", "demo.get_user.v2_0_0-beta_7");
    assertThat(named.get("demo.get_user.v1_0_0").version()).isEqualTo("1.0.0");
    assertThat(McpTools.named(List.of(f("demo", "get_user", "2.0.0"))).keySet()).containsExactly("demo.get_user");
  }

  @Test
  @DisplayName("other characters become _, a clash keeps the first function in key order, too long or admin names go")
  void clashesAndBounds() {
    Map<String, FunConfig> named = McpTools.named(List.of(f("my svc", "a/b", "0.0.0"), f("my.svc", "a b", "0.0.0"),
      f("s", "x".repeat(200), "0.0.0"), f("genapi", "admin.nodes", "0.0.0"), f("genapi", "admin", "1.0.0"),
      f("genapi", "admin", "2.0.0")));
    assertThat(named.keySet()).as("genapi.admin.v1_0_0 would pass for an admin tool")
      .containsExactly("genapi.admin_nodes", "my_svc.a_b");
    assertThat(named.get("my_svc.a_b").service()).isEqualTo("my svc");
    assertThat(named.keySet()).allMatch(name -> name.matches("^[A-Za-z0-9_.-]{1,128}$"));
  }

  private static FunConfig f(String service, String requestType, String version) {
    return FunConfig.fromJson(new JsonObject().put("service", service).put("request_type", requestType)
      .put("version", version).put("nodes", new JsonArray().add("n1")));
  }
}
