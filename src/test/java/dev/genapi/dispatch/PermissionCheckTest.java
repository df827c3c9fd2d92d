package dev.genapi.dispatch;

import dev.genapi.api.ErrorCode;
import dev.genapi.api.GenApiException;
import dev.genapi.api.Permission;
import dev.genapi.protocol.Request;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

@DisplayName("Permission checks")
class PermissionCheckTest {

  private static final Permission ANY = new Permission(Permission.Mode.ANY_AUTHENTICATED, null, List.of());
  private static final Permission OWN = new Permission(Permission.Mode.ARG, "user_id", List.of());
  private static final Permission ADMIN = new Permission(Permission.Mode.ROLE, null, List.of("admin", "ops"));

  private static Request request(String userId, JsonObject args, List<String> roles) {
    return new Request("r", "s", "t", null, args, userId, null, roles, null, null);
  }

  private static boolean allowed(Permission permission, Request request) {
    try {
      PermissionCheck.check(permission, request);
      return true;
    } catch (GenApiException e) {
      assertThat(e.code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
      assertThat(e.getMessage()).isEqualTo("Permission denied");
      return false;
    }
  }

  @Test
  @DisplayName("false lets everyone in, even without a user")
  void none() {
    assertThatCode(() -> PermissionCheck.check(Permission.NONE, request(null, new JsonObject(), List.of())))
      .doesNotThrowAnyException();
  }

  @Test
  @DisplayName("any_authenticated needs a non-empty user_id")
  void anyAuthenticated() {
    assertThat(allowed(ANY, request("u1", new JsonObject(), List.of()))).isTrue();
    assertThat(allowed(ANY, request(null, new JsonObject(), List.of()))).isFalse();
    assertThat(allowed(ANY, request("", new JsonObject(), List.of()))).isFalse();
  }

  @Test
  @DisplayName("arg needs the arg to equal the caller's user_id strictly, looking one level into map args")
  void arg() {
    assertThat(allowed(OWN, request("u1", new JsonObject().put("user_id", "u1"), List.of()))).isTrue();
    assertThat(allowed(OWN, request("u1", new JsonObject().put("user_id", "u2"), List.of()))).isFalse();
    assertThat(allowed(OWN, request("1", new JsonObject().put("user_id", 1), List.of()))).isFalse();
    assertThat(allowed(OWN, request(null, new JsonObject().putNull("user_id"), List.of()))).isFalse();
    assertThat(allowed(OWN, request("u1", new JsonObject(), List.of()))).isFalse();
    JsonObject nested = new JsonObject().put("profile", new JsonObject().put("user_id", "u1"));
    assertThat(allowed(OWN, request("u1", nested, List.of()))).isTrue();
    JsonObject deeper = new JsonObject().put("a", new JsonObject().put("b", new JsonObject().put("user_id", "u1")));
    assertThat(allowed(OWN, request("u1", deeper, List.of()))).isFalse();
  }

  @Test
  @DisplayName("role needs one of the allowed roles")
  void role() {
    assertThat(allowed(ADMIN, request("u1", new JsonObject(), List.of("user", "ops")))).isTrue();
    assertThat(allowed(ADMIN, request("u1", new JsonObject(), List.of("user")))).isFalse();
    assertThat(allowed(ADMIN, request("u1", new JsonObject(), List.of()))).isFalse();
    assertThat(catchThrowableOfType(GenApiException.class,
      () -> PermissionCheck.check(ADMIN, request("u1", new JsonObject(), List.of("Admin")))).code())
      .isEqualTo(ErrorCode.PERMISSION_DENIED);
  }

  @Test
  @DisplayName("as a stage, checks the function's permission against the call as the before hook left it")
  void stage() {
    PermissionCheck stage = new PermissionCheck();
    Call call = StageCalls.found(StageCalls.function("own", ",\"check_permission\":{\"mode\":\"arg\",\"arg\":\"user_id\"}"),
      StageCalls.request("own", "u1", new JsonObject().put("user_id", "u1")));
    assertThat(stage.apply(call)).isSameAs(Stage.NEXT);
    call.request(call.sent().withArgs(new JsonObject().put("user_id", "u2")));
    assertThat(catchThrowableOfType(GenApiException.class, () -> stage.apply(call)).code())
      .isEqualTo(ErrorCode.PERMISSION_DENIED);
  }
}
