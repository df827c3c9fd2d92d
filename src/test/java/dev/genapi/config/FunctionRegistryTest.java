package dev.genapi.config;

import dev.genapi.api.ErrorCode;
import dev.genapi.api.FunConfig;
import dev.genapi.api.GenApiException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

@DisplayName("The local function index")
class FunctionRegistryTest {

  private final FunctionRegistry registry = new FunctionRegistry();

  private static FunConfig fun(String requestType, String version) {
    JsonObject json = new JsonObject().put("service", "demo").put("request_type", requestType);
    return FunConfig.fromJson(version == null ? json : json.put("version", version));
  }

  @Test
  @DisplayName("a call without version finds 0.0.0; versions match exactly and never fall back")
  void exactLookup() {
    registry.put(fun("echo", null));
    registry.put(fun("get_user", "1.0.0"));
    assertThat(registry.lookup("demo", "echo", null).version()).isEqualTo("0.0.0");
    assertThat(registry.lookup("demo", "get_user", "1.0.0").version()).isEqualTo("1.0.0");
    GenApiException missing = catchThrowableOfType(GenApiException.class, () -> registry.lookup("demo", "get_user", null));
    assertThat(missing.code()).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(missing.getMessage()).isEqualTo("unsupported function: get_user version 0.0.0");
    assertThat(catchThrowableOfType(GenApiException.class, () -> registry.lookup("other", "echo", null)).code())
      .isEqualTo(ErrorCode.NOT_FOUND);
  }

  @Test
  @DisplayName("a disabled version answers DISABLED with the original's text")
  void disabled() {
    registry.put(fun("get_user", "1.0.0").withDisabled(true));
    GenApiException failure = catchThrowableOfType(GenApiException.class,
      () -> registry.lookup("demo", "get_user", "1.0.0"));
    assertThat(failure.code()).isEqualTo(ErrorCode.DISABLED);
    assertThat(failure.getMessage()).isEqualTo("disabled function: get_user version 1.0.0");
  }

  @Test
  @DisplayName("changes replace the snapshot: a reader keeps the one it had")
  void copyOnWrite() {
    registry.put(fun("echo", null));
    var before = registry.all();
    registry.put(fun("add", null));
    registry.remove("demo/echo/0.0.0");
    assertThat(before).extracting(FunConfig::requestType).containsExactly("echo");
    assertThat(registry.all()).extracting(FunConfig::requestType).containsExactly("add");
    assertThat(registry.size()).isEqualTo(1);
    assertThat(registry.lookup("demo", "add", null).requestType()).isEqualTo("add");
  }

  @Test
  @DisplayName("latest is the highest enabled version by SemVer")
  void latest() {
    registry.put(fun("get_user", "1.0.0"));
    registry.put(fun("get_user", "2.0.0"));
    registry.put(fun("get_user", "10.0.0-beta"));
    assertThat(registry.lookup("demo", "get_user", "latest").version()).isEqualTo("10.0.0-beta");
    registry.put(fun("get_user", "10.0.0-beta").withDisabled(true));
    assertThat(registry.lookup("demo", "get_user", "latest").version()).isEqualTo("2.0.0");
    registry.remove("demo/get_user/2.0.0");
    assertThat(registry.lookup("demo", "get_user", "latest").version()).isEqualTo("1.0.0");
    registry.put(fun("get_user", "1.0.0").withDisabled(true));
    assertThat(catchThrowableOfType(GenApiException.class, () -> registry.lookup("demo", "get_user", "latest"))
      .getMessage()).isEqualTo("unsupported function: get_user version latest");
  }

  @Test
  @DisplayName("a reload replaces every function, except those changed while it loaded")
  void replaceAll() {
    registry.put(fun("echo", null));
    registry.put(fun("gone", null));
    registry.put(fun("changed", "2.0.0"));
    registry.replaceAll(java.util.Map.of("demo/echo/0.0.0", fun("echo", null), "demo/added/0.0.0",
      fun("added", null), "demo/changed/2.0.0", fun("changed", "2.0.0").withDisabled(true)),
      java.util.Set.of("demo/changed/2.0.0"));
    assertThat(registry.all().stream().map(FunConfig::key))
      .containsExactlyInAnyOrder("demo/echo/0.0.0", "demo/added/0.0.0", "demo/changed/2.0.0");
    assertThat(registry.lookup("demo", "changed", "2.0.0").disabled()).isFalse();
  }

  @Test
  @DisplayName("a function no live node serves answers NOT_FOUND like an unknown one and is not listed, until served")
  void unserved() {
    registry.put(fun("echo", null));
    registry.put(fun("old", null));
    registry.serveOnly(function -> !function.requestType().equals("old"));
    GenApiException missing = catchThrowableOfType(GenApiException.class, () -> registry.lookup("demo", "old", null));
    assertThat(missing.code()).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(missing.getMessage()).isEqualTo("unsupported function: old version 0.0.0");
    assertThat(registry.listed()).extracting(FunConfig::requestType).containsExactly("echo");
    assertThat(registry.all()).hasSize(2);
    assertThat(registry.served(fun("old", null))).isFalse();
    registry.put(fun("old", null));
    assertThat(registry.served(fun("old", null))).as("stored again while unserved").isFalse();
    registry.serveOnly(function -> true);
    assertThat(registry.lookup("demo", "old", null).requestType()).isEqualTo("old");
    assertThat(registry.listed()).hasSize(2);
  }

  @Test
  @DisplayName("latest is the highest version a live node serves; a disabled one still answers DISABLED")
  void unservedVersions() {
    registry.put(fun("get_user", "1.0.0"));
    registry.put(fun("get_user", "2.0.0"));
    registry.put(fun("off", null).withDisabled(true));
    registry.serveOnly(function -> function.version().equals("1.0.0"));
    assertThat(registry.lookup("demo", "get_user", "latest").version()).isEqualTo("1.0.0");
    assertThat(catchThrowableOfType(GenApiException.class, () -> registry.lookup("demo", "off", null)).code())
      .isEqualTo(ErrorCode.DISABLED);
    registry.serveOnly(function -> false);
    assertThat(catchThrowableOfType(GenApiException.class, () -> registry.lookup("demo", "get_user", "latest"))
      .getMessage()).isEqualTo("unsupported function: get_user version latest");
  }
}
