package dev.genapi.gateway;

import dev.genapi.api.ErrorCode;
import dev.genapi.api.GenApiException;
import dev.genapi.protocol.Request;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

@DisplayName("Authenticator.apply")
class AuthenticatorTest {

  private static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  private static Authenticator jwt(int leewayS) {
    return Authenticator.create(vertx, new AuthOptions().setMode(AuthOptions.MODE_JWT)
      .setJwtSecret("unit-test-secret-of-enough-length-0123").setLeewayS(leewayS));
  }

  private static Request call() {
    JsonObject json = new JsonObject().put("request_id", "r1").put("service", "demo").put("request_type", "echo")
      .put("user_id", "mallory");
    return Request.fromJson(json, json.toBuffer(), null);
  }

  @Test
  @DisplayName("a token still valid, or without exp, gives its identity to the call")
  void valid() {
    long now = System.currentTimeMillis();
    Authenticator authenticator = jwt(0);
    assertThat(authenticator.apply(call(), new Identity("alice", List.of("admin"), now + 60_000)).userId())
      .isEqualTo("alice");
    assertThat(authenticator.apply(call(), new Identity("alice", List.of(), Identity.NO_EXPIRY)).userId())
      .isEqualTo("alice");
  }

  @Test
  @DisplayName("an expired token refuses the call with UNAUTHENTICATED 'Token expired', which isExpired recognises")
  void expired() {
    Identity expired = new Identity("alice", List.of(), System.currentTimeMillis() - 1);
    GenApiException refused = catchThrowableOfType(GenApiException.class, () -> jwt(0).apply(call(), expired));
    assertThat(refused.code()).isEqualTo(ErrorCode.UNAUTHENTICATED);
    assertThat(refused.getMessage()).isEqualTo("Token expired");
    assertThat(Authenticator.isExpired(refused)).isTrue();
    assertThat(Authenticator.isExpired(new GenApiException(ErrorCode.UNAUTHENTICATED, "Authentication required")))
      .isFalse();
  }

  @Test
  @DisplayName("the leeway keeps a just-expired token working, and no longer")
  void leeway() {
    long now = System.currentTimeMillis();
    Authenticator authenticator = jwt(60);
    assertThat(authenticator.apply(call(), new Identity("alice", List.of(), now - 30_000)).userId())
      .isEqualTo("alice");
    assertThatThrownBy(() -> authenticator.apply(call(), new Identity("alice", List.of(), now - 90_000)))
      .hasMessage("Token expired");
  }

  @Test
  @DisplayName("in none mode the call is taken as sent")
  void noneMode() {
    Authenticator none = Authenticator.create(vertx, new AuthOptions());
    Identity expired = new Identity("alice", List.of(), 0);
    assertThat(none.apply(call(), expired).userId()).isEqualTo("mallory");
    assertThat(none.apply(call(), null).userId()).isEqualTo("mallory");
  }
}
