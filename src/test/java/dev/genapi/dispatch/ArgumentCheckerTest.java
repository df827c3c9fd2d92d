package dev.genapi.dispatch;

import dev.genapi.api.ErrorCode;
import dev.genapi.api.FunConfig;
import dev.genapi.api.GenApiException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

@DisplayName("Argument checks")
class ArgumentCheckerTest {

  private static FunConfig fun(String argTypes) {
    return FunConfig.fromJson(new JsonObject("{\"service\":\"s\",\"request_type\":\"t\",\"arg_types\":" + argTypes + "}"));
  }

  private static String error(String argTypes, JsonObject args) {
    GenApiException e = catchThrowableOfType(GenApiException.class, () -> ArgumentChecker.check(fun(argTypes), args));
    assertThat(e).as("expected a failure for " + args).isNotNull();
    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
    return e.getMessage();
  }

  private static JsonObject ok(String argTypes, JsonObject args) {
    return ArgumentChecker.check(fun(argTypes), args);
  }

  @Test
  @DisplayName("without arg_types nothing is checked and the args pass as sent")
  void noDeclaredArgs() {
    JsonObject args = new JsonObject().put("anything", 1);
    assertThat(ArgumentChecker.check(FunConfig.fromJson(new JsonObject("{\"service\":\"s\",\"request_type\":\"t\"}")),
      args)).isSameAs(args);
  }

  @Test
  @DisplayName("undeclared args are refused first, by name")
  void extraArgs() {
    assertThat(error("{\"a\":\"string\"}", new JsonObject().put("a", "x").put("city", "Paris")))
      .isEqualTo("extra arguments for \"t\", extra: [\"city\"]");
  }

  @Test
  @DisplayName("a missing or null arg is refused unless allow_nil; a default fills an absent arg, false included")
  void missingNilDefault() {
    assertThat(error("{\"age\":\"num\"}", new JsonObject())).isEqualTo("missing or nil argument \"age\" in \"t\"");
    assertThat(error("{\"age\":\"num\"}", new JsonObject().putNull("age")))
      .isEqualTo("missing or nil argument \"age\" in \"t\"");
    JsonObject nil = new JsonObject().putNull("age");
    assertThat(ok("{\"age\":{\"type\":\"num\",\"allow_nil\":true,\"default\":3}}", nil)).isSameAs(nil);
    JsonObject sent = new JsonObject();
    JsonObject filled = ok("{\"flag\":{\"type\":\"boolean\",\"default\":false}}", sent);
    assertThat(filled).isEqualTo(new JsonObject().put("flag", false));
    assertThat(sent.isEmpty()).isTrue();
  }

  @Test
  @DisplayName("scalars must have their type; strings are limited in UTF-8 bytes")
  void scalars() {
    assertThat(error("{\"a\":\"num\"}", new JsonObject().put("a", "1")))
      .isEqualTo("invalid argument type for \"a\", expected num, got string");
    assertThat(error("{\"b\":\"boolean\"}", new JsonObject().put("b", "yes")))
      .isEqualTo("invalid argument type for \"b\", expected boolean, got string");
    assertThat(error("{\"s\":\"string\"}", new JsonObject().put("s", 5)))
      .isEqualTo("invalid argument type for \"s\", expected string, got num");
    assertThat(ok("{\"s\":{\"type\":\"string\",\"max_bytes\":4}}", new JsonObject().put("s", "éé"))).isNotNull();
    assertThat(error("{\"s\":{\"type\":\"string\",\"max_bytes\":4}}", new JsonObject().put("s", "ééé")))
      .isEqualTo("invalid argument size for \"s\", max 4 bytes");
    assertThat(error("{\"s\":\"string\"}", new JsonObject().put("s", "x".repeat(3001))))
      .isEqualTo("invalid argument size for \"s\", max 3000 bytes");
    assertThat(ok("{\"x\":\"any\"}", new JsonObject().put("x", new JsonArray().add(new JsonObject())))).isNotNull();
  }

  @Test
  @DisplayName("uuids and datetimes are checked by format; a datetime needs an offset, Z included")
  void formats() {
    assertThat(ok("{\"id\":\"uuid\"}", new JsonObject().put("id", "123e4567-e89b-12d3-a456-426614174000"))).isNotNull();
    assertThat(error("{\"id\":\"uuid\"}", new JsonObject().put("id", "123")))
      .isEqualTo("invalid argument value for \"id\", require a UUID format string");
    assertThat(error("{\"id\":\"uuid\"}", new JsonObject().put("id", 7)))
      .isEqualTo("invalid argument value for \"id\", require a UUID format string");
    assertThat(ok("{\"at\":\"datetime\"}", new JsonObject().put("at", "2026-11-24T10:00:00Z"))).isNotNull();
    assertThat(ok("{\"at\":\"datetime\"}", new JsonObject().put("at", "2026-11-24T10:00:00+02:00"))).isNotNull();
    assertThat(error("{\"at\":\"datetime\"}", new JsonObject().put("at", "2026-11-24T10:00:00")))
      .isEqualTo("invalid argument value for \"at\", require an ISO-8601 datetime with offset");
  }

  @Test
  @DisplayName("lists are limited in items and check every item")
  void lists() {
    assertThat(error("{\"l\":{\"type\":\"list_string\",\"max_items\":2}}",
      new JsonObject().put("l", new JsonArray().add("a").add("b").add("c"))))
      .isEqualTo("invalid argument size for \"l\" in \"t\", max 2 items");
    assertThat(error("{\"l\":\"list_string\"}", new JsonObject().put("l", new JsonArray().add("a").add(1))))
      .isEqualTo("invalid item 1 of \"l\" in \"t\", expected string, got num");
    assertThat(error("{\"l\":{\"type\":\"list_string\",\"max_item_bytes\":2}}",
      new JsonObject().put("l", new JsonArray().add("abc"))))
      .isEqualTo("invalid item size of \"l\" in \"t\", max 2 bytes");
    assertThat(error("{\"l\":\"list_num\"}", new JsonObject().put("l", new JsonArray().add("1"))))
      .isEqualTo("invalid item 0 of \"l\" in \"t\", expected num, got string");
    assertThat(error("{\"l\":\"list_uuid\"}", new JsonObject().put("l", new JsonArray().add("x"))))
      .isEqualTo("invalid item 0 of \"l\" in \"t\", expected uuid, got string");
    assertThat(error("{\"l\":\"list_map\"}", new JsonObject().put("l", new JsonArray().add(1))))
      .isEqualTo("invalid item 0 of \"l\" in \"t\", expected map, got num");
    assertThat(error("{\"l\":\"list\"}", new JsonObject().put("l", new JsonArray().add(new JsonArray()))))
      .isEqualTo("invalid item 0 of \"l\" in \"t\", expected string, num or boolean, got list");
    assertThat(error("{\"l\":\"list\"}", new JsonObject().put("l", "not a list")))
      .isEqualTo("invalid argument type for \"l\", expected list, got string");
  }

  @Test
  @DisplayName("a bare map is only limited in size; a map with options checks keys and flat values")
  void maps() {
    JsonObject nested = new JsonObject().put("m", new JsonObject().put("deep", new JsonObject()));
    assertThat(ok("{\"m\":\"map\"}", nested)).isSameAs(nested);
    assertThat(error("{\"m\":{\"type\":\"map\",\"max_items\":1}}", new JsonObject().put("m", new JsonObject().put("a", 1).put("b", 2))))
      .isEqualTo("invalid argument size for \"m\" in \"t\", max 1 items");
    String strict = "{\"m\":{\"type\":\"map\",\"required\":[\"a\"],\"accept\":[\"a\",\"b\"]}}";
    assertThat(error(strict, new JsonObject().put("m", new JsonObject().put("b", 1))))
      .isEqualTo("map argument \"m\" missing required keys: [\"a\"] in \"t\"");
    assertThat(error(strict, new JsonObject().put("m", new JsonObject().put("a", 1).put("z", 2))))
      .isEqualTo("map argument \"m\" contains rejected keys: [\"z\"] in \"t\"");
    assertThat(error(strict, new JsonObject().put("m", new JsonObject().put("a", new JsonObject()))))
      .isEqualTo("map argument \"m\" key \"a\": nested map is not supported yet");
    assertThat(ok(strict, new JsonObject().put("m", new JsonObject().put("a", new JsonArray().add(1).add("x"))))).isNotNull();
  }
}
