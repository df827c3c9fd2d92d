package dev.genapi.config;

import dev.genapi.api.FunConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Service records: which stored functions are damaged, and how a push repairs them")
class ServiceDigestsTest {

  private static String fun(String requestType, int timeout) {
    return FunConfig.fromJson(new JsonObject().put("service", "demo").put("request_type", requestType)
      .put("timeout", timeout)).toJson().encode();
  }

  private static final String ECHO = fun("echo", 1000);
  private static final String ADD = fun("add", 1000);

  private static JsonObject record() {
    Map<String, String> stored = Map.of("demo/echo/0.0.0", ECHO, "demo/add/0.0.0", ADD);
    return new JsonObject().put("functions", new JsonArray(List.of("demo/add/0.0.0", "demo/echo/0.0.0")))
      .put("digests", ServiceDigests.digests(stored));
  }

  @Test
  @DisplayName("a missing or changed function is damaged; an operator's disable is not")
  void damaged() {
    String disabledEcho = FunConfig.fromJson(new JsonObject(ECHO)).withDisabled(true).toJson().encode();
    assertThat(ServiceDigests.damaged(record(), Map.of("demo/echo/0.0.0", disabledEcho, "demo/add/0.0.0", ADD)))
      .isEmpty();
    assertThat(ServiceDigests.damaged(record(), Map.of("demo/echo/0.0.0", ECHO))).containsExactly("demo/add/0.0.0");
    assertThat(ServiceDigests.damaged(record(), Map.of("demo/echo/0.0.0", fun("echo", 200), "demo/add/0.0.0", "{")))
      .containsExactlyInAnyOrder("demo/echo/0.0.0", "demo/add/0.0.0");
  }

  @Test
  @DisplayName("a restored function stays disabled when an operator had disabled it")
  void restoredKeepsDisable() {
    String disabledChanged = FunConfig.fromJson(new JsonObject(fun("echo", 200))).withDisabled(true).toJson().encode();
    assertThat(new JsonObject(ServiceDigests.restored(ECHO, disabledChanged)).getBoolean("disabled")).isTrue();
    assertThat(ServiceDigests.restored(ECHO, fun("echo", 200))).isEqualTo(ECHO);
    assertThat(ServiceDigests.restored(ECHO, null)).isEqualTo(ECHO);
  }

  @Test
  @DisplayName("a repaired record drops what the push no longer has; a deleted function leaves the record")
  void repairedAndWithout() {
    JsonObject repaired = ServiceDigests.repaired(record(), Map.of(), List.of("demo/add/0.0.0"));
    assertThat(ServiceDigests.keys(repaired)).containsExactly("demo/echo/0.0.0");
    assertThat(ServiceDigests.damaged(repaired, Map.of("demo/echo/0.0.0", ECHO))).isEmpty();
    assertThat(ServiceDigests.keys(ServiceDigests.without(record(), "demo/echo/0.0.0")))
      .containsExactly("demo/add/0.0.0");
  }
}
