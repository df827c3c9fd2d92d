package dev.genapi.protocol;

import dev.genapi.api.ErrorCode;
import dev.genapi.api.GenApiException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

@DisplayName("Request decoding")
class RequestTest {

  private static final String MISSING = "Invalid request: Missing required fields: ";

  private static Request decode(String frame) {
    Buffer raw = Buffer.buffer(frame);
    return Request.fromJson(Request.parseFrame(raw, 1000), raw, "10.0.0.1");
  }

  private static GenApiException failure(String frame, int maxBytes) {
    Buffer raw = Buffer.buffer(frame);
    GenApiException e = catchThrowableOfType(GenApiException.class,
      () -> Request.fromJson(Request.parseFrame(raw, maxBytes), raw, null));
    assertThat(e).as("GenApiException for %s", frame).isNotNull();
    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    return e;
  }

  private static String message(String frame) {
    return failure(frame, 1000).getMessage();
  }

  @Test
  @DisplayName("reads every field, ignores unknown keys and keeps the original bytes and address")
  void fullCall() {
    String frame = "{\"request_id\":\"r1\",\"service\":\"demo\",\"request_type\":\"echo\",\"version\":\"1.0.0\","
      + "\"args\":{\"message\":\"hi\",\"n\":[1,2]},\"user_id\":\"u1\",\"device_id\":\"d1\",\"user_roles\":[\"admin\",\"ops\"],"
      + "\"extra\":true}";
    Request request = decode(frame);
    assertThat(request.requestId()).isEqualTo("r1");
    assertThat(request.service()).isEqualTo("demo");
    assertThat(request.requestType()).isEqualTo("echo");
    assertThat(request.version()).isEqualTo("1.0.0");
    assertThat(request.args()).isEqualTo(new JsonObject("{\"message\":\"hi\",\"n\":[1,2]}"));
    assertThat(request.userId()).isEqualTo("u1");
    assertThat(request.deviceId()).isEqualTo("d1");
    assertThat(request.userRoles()).containsExactly("admin", "ops");
    assertThat(request.raw().toString()).isEqualTo(frame);
    assertThat(request.ipAddress()).isEqualTo("10.0.0.1");
  }

  @Test
  @DisplayName("absent or null args become an empty object; absent optional fields stay null")
  void defaults() {
    Request absent = decode("{\"request_id\":\"r\",\"service\":\"s\",\"request_type\":\"t\"}");
    assertThat(absent.args()).isEqualTo(new JsonObject());
    assertThat(absent.version()).isNull();
    assertThat(absent.userId()).isNull();
    assertThat(absent.deviceId()).isNull();
    assertThat(absent.userRoles()).isEmpty();
    Request nullArgs = decode("{\"request_id\":\"r\",\"service\":\"s\",\"request_type\":\"t\",\"args\":null,\"version\":null}");
    assertThat(nullArgs.args()).isNotNull().isEqualTo(new JsonObject());
    assertThat(nullArgs.version()).isNull();
  }

  @Test
  @DisplayName("names every missing required field, in the fixed order request_type, request_id, service")
  void missingFields() {
    assertThat(message("{}")).isEqualTo(MISSING + "request_type, request_id, service");
    assertThat(message("{\"request_id\":\"r\"}")).isEqualTo(MISSING + "request_type, service");
    assertThat(message("{\"service\":\"s\",\"request_id\":\"r\"}")).isEqualTo(MISSING + "request_type");
    assertThat(message("{\"request_type\":\"t\",\"service\":\"s\"}")).isEqualTo(MISSING + "request_id");
    assertThat(message("{\"request_type\":\"t\",\"request_id\":\"r\",\"args\":{}}")).isEqualTo(MISSING + "service");
  }

  @Test
  @DisplayName("empty strings, nulls and non-strings count as missing")
  void emptyCountsAsMissing() {
    assertThat(message("{\"request_id\":\"\",\"service\":\"s\",\"request_type\":\"t\"}")).isEqualTo(MISSING + "request_id");
    assertThat(message("{\"request_id\":\"r\",\"service\":\"\",\"request_type\":\"\"}"))
      .isEqualTo(MISSING + "request_type, service");
    assertThat(message("{\"request_id\":5,\"service\":null,\"request_type\":\"t\"}"))
      .isEqualTo(MISSING + "request_id, service");
  }

  @Test
  @DisplayName("refuses args that are not an object, and optional fields that are not strings")
  void wrongTypes() {
    for (String args : List.of("[1]", "\"x\"", "3", "true")) {
      assertThat(message("{\"request_id\":\"r\",\"service\":\"s\",\"request_type\":\"t\",\"args\":" + args + "}"))
        .as(args).isEqualTo("Invalid request: args must be an object");
    }
    assertThat(message("{\"request_id\":\"r\",\"service\":\"s\",\"request_type\":\"t\",\"version\":2}"))
      .isEqualTo("Invalid request: version must be a string");
    assertThat(message("{\"request_id\":\"r\",\"service\":\"s\",\"request_type\":\"t\",\"user_id\":{}}"))
      .isEqualTo("Invalid request: user_id must be a string");
  }

  @Test
  @DisplayName("malformed JSON and JSON that is not an object are malformed payloads")
  void malformed() {
    assertThat(message("{not json")).startsWith("Invalid request: Malformed request payload");
    assertThat(message("{\"request_id\":")).startsWith("Invalid request: Malformed request payload");
    assertThat(message("[1,2]")).isEqualTo("Invalid request: Malformed request payload: expected a JSON object");
    assertThat(message("\"just a string\"")).startsWith("Invalid request: Malformed request payload");
    assertThat(failure("", 1000).getMessage()).startsWith("Invalid request: ");
  }

  @Test
  @DisplayName("a frame over the limit is refused before it is parsed; a frame at the limit is accepted")
  void oversize() {
    String frame = "{\"request_id\":\"r\",\"service\":\"s\",\"request_type\":\"t\",\"args\":{\"m\":\"" + "é".repeat(150) + "\"}}";
    int length = Buffer.buffer(frame).length();
    assertThat(length).isGreaterThan(frame.length());
    assertThat(failure(frame, 256).getMessage()).isEqualTo(
      "Invalid request: Request payload exceeds maximum size of 256 bytes (got " + length + " bytes)");
    assertThat(failure(frame, length - 1).getMessage()).endsWith("(got " + length + " bytes)");
    assertThat(Request.parseFrame(Buffer.buffer(frame), length).getJsonObject("args").getString("m")).hasSize(150);
    assertThat(failure("{oversize and malformed", 5).getMessage())
      .isEqualTo("Invalid request: Request payload exceeds maximum size of 5 bytes (got 23 bytes)");
  }

  @Test
  @DisplayName("user_roles keeps only the non-empty strings, and anything but a list gives no roles")
  void roles() {
    String call = "{\"request_id\":\"r\",\"service\":\"s\",\"request_type\":\"t\",\"user_roles\":";
    assertThat(decode(call + "[\"admin\",\"\",3,null,{\"r\":1},\"ops\"]}").userRoles()).containsExactly("admin", "ops");
    assertThat(decode(call + "\"admin\"}").userRoles()).isEmpty();
    assertThat(decode(call + "null}").userRoles()).isEmpty();
  }

  @Test
  @DisplayName("idOf gives the request_id when it is a non-empty string, else unknown")
  void idOf() {
    assertThat(Request.idOf(new JsonObject().put("request_id", "r9"))).isEqualTo("r9");
    assertThat(Request.idOf(new JsonObject().put("request_id", 9))).isEqualTo("unknown");
    assertThat(Request.idOf(new JsonObject().put("request_id", ""))).isEqualTo("unknown");
    assertThat(Request.idOf(new JsonObject())).isEqualTo("unknown");
    assertThat(Request.idOf(null)).isEqualTo("unknown");
  }
}
