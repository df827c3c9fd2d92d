package dev.genapi.protocol;

import dev.genapi.api.ErrorCode;
import dev.genapi.api.GenApiException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

@DisplayName("Request decoding")
class RequestTest {

  private static Request decode(String frame) {
    Buffer raw = Buffer.buffer(frame);
    return Request.fromJson(Request.parseFrame(raw, 1000), raw, null);
  }

  private static GenApiException failure(String frame, int maxBytes) {
    Buffer raw = Buffer.buffer(frame);
    return catchThrowableOfType(GenApiException.class, () -> Request.fromJson(Request.parseFrame(raw, maxBytes), raw, null));
  }

  @Test
  @DisplayName("reads every field and keeps the original bytes")
  void fullCall() {
    String frame = "{\"request_id\":\"r1\",\"service\":\"demo\",\"request_type\":\"echo\",\"version\":\"1.0.0\","
      + "\"args\":{\"message\":\"hi\"},\"user_id\":\"u1\",\"device_id\":\"d1\",\"user_roles\":[\"admin\",\"\",3],"
      + "\"extra\":true}";
    Request request = decode(frame);
    assertThat(request.requestId()).isEqualTo("r1");
    assertThat(request.service()).isEqualTo("demo");
    assertThat(request.requestType()).isEqualTo("echo");
    assertThat(request.version()).isEqualTo("1.0.0");
    assertThat(request.args()).isEqualTo(new JsonObject().put("message", "hi"));
    assertThat(request.userId()).isEqualTo("u1");
    assertThat(request.deviceId()).isEqualTo("d1");
    assertThat(request.userRoles()).containsExactly("admin");
    assertThat(request.raw().toString()).isEqualTo(frame);
  }

  @Test
  @DisplayName("absent or null args become an empty object; an absent version stays null")
  void defaults() {
    Request absent = decode("{\"request_id\":\"r\",\"service\":\"s\",\"request_type\":\"t\"}");
    assertThat(absent.args()).isEqualTo(new JsonObject());
    assertThat(absent.version()).isNull();
    assertThat(absent.userRoles()).isEmpty();
    assertThat(decode("{\"request_id\":\"r\",\"service\":\"s\",\"request_type\":\"t\",\"args\":null}").args())
      .isEqualTo(new JsonObject());
  }

  @Test
  @DisplayName("names every missing or empty required field, in the original's fixed order")
  void missingFields() {
    GenApiException all = failure("{}", 1000);
    assertThat(all.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(all.getMessage()).isEqualTo("Invalid request: Missing required fields: request_type, request_id, service");
    assertThat(failure("{\"request_id\":\"\",\"service\":\"s\",\"request_type\":\"t\"}", 1000).getMessage())
      .isEqualTo("Invalid request: Missing required fields: request_id");
    assertThat(failure("{\"request_id\":5,\"service\":\"s\"}", 1000).getMessage())
      .isEqualTo("Invalid request: Missing required fields: request_type, request_id");
  }

  @Test
  @DisplayName("refuses args that are not an object and optional fields that are not strings")
  void wrongTypes() {
    assertThat(failure("{\"request_id\":\"r\",\"service\":\"s\",\"request_type\":\"t\",\"args\":[1]}", 1000)
      .getMessage()).isEqualTo("Invalid request: args must be an object");
    assertThat(failure("{\"request_id\":\"r\",\"service\":\"s\",\"request_type\":\"t\",\"version\":2}", 1000)
      .getMessage()).isEqualTo("Invalid request: version must be a string");
  }

  @Test
  @DisplayName("malformed JSON and non-objects are malformed payloads")
  void malformed() {
    assertThat(failure("{not json", 1000).getMessage()).startsWith("Invalid request: Malformed request payload");
    assertThat(failure("[1,2]", 1000).getMessage())
      .isEqualTo("Invalid request: Malformed request payload: expected a JSON object");
    assertThat(failure("", 1000).code()).isEqualTo(ErrorCode.INVALID_REQUEST);
  }

  @Test
  @DisplayName("a frame over the limit is refused before it is parsed")
  void oversize() {
    String frame = "{\"request_id\":\"r\",\"service\":\"s\",\"request_type\":\"t\",\"args\":{\"m\":\"" + "x".repeat(300) + "\"}}";
    int length = Buffer.buffer(frame).length();
    assertThat(failure(frame, 256).getMessage()).isEqualTo(
      "Invalid request: Request payload exceeds maximum size of 256 bytes (got " + length + " bytes)");
    assertThat(decode(frame).args().getString("m")).hasSize(300);
  }

  @Test
  @DisplayName("idOf falls back to unknown when the request_id is missing or unreadable")
  void idOf() {
    assertThat(Request.idOf(new JsonObject().put("request_id", "r9"))).isEqualTo("r9");
    assertThat(Request.idOf(new JsonObject().put("request_id", 9))).isEqualTo("unknown");
    assertThat(Request.idOf(new JsonObject())).isEqualTo("unknown");
    assertThat(Request.idOf(null)).isEqualTo("unknown");
  }
}
