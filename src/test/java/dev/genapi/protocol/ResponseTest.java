package dev.genapi.protocol;

import dev.genapi.api.ErrorCode;
import dev.genapi.api.GenApiException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Response frames")
class ResponseTest {

  private static final String[] KEYS =
    {"request_id", "success", "result", "error", "code", "async", "has_more", "can_retry"};

  private static JsonObject frame(String id, boolean success, Object result, String error, String code,
                                  boolean async, boolean hasMore, boolean canRetry) {
    return new JsonObject().put("request_id", id).put("success", success).put("result", result).put("error", error)
      .put("code", code).put("async", async).put("has_more", hasMore).put("can_retry", canRetry);
  }

  private static void assertFrame(Response response, JsonObject expected) {
    JsonObject json = response.toJson();
    assertThat(json.fieldNames()).containsExactly(KEYS);
    assertThat(json).isEqualTo(expected);
  }

  @Test
  @DisplayName("ok is a final success frame carrying the result")
  void ok() {
    JsonObject result = new JsonObject().put("message", "hi").put("n", new JsonArray().add(1).add(2));
    assertFrame(Response.ok("r1", result), frame("r1", true, result, null, null, false, false, false));
    assertFrame(Response.ok("r1", null), frame("r1", true, null, null, null, false, false, false));
    assertFrame(Response.ok("r1", "text"), frame("r1", true, "text", null, null, false, false, false));
    assertFrame(Response.ok("r1", 42), frame("r1", true, 42, null, null, false, false, false));
  }

  @Test
  @DisplayName("ack, streamInit, chunk and streamEnd carry the documented async and has_more flags")
  void asyncAndStreamFrames() {
    assertFrame(Response.ack("r"), frame("r", true, null, null, null, true, false, false));
    assertFrame(Response.streamInit("r"), frame("r", true, "init", null, null, true, true, false));
    assertFrame(Response.chunk("r", new JsonArray().add("a")), frame("r", true, new JsonArray().add("a"), null, null, true, true, false));
    assertFrame(Response.streamEnd("r", null), frame("r", true, null, null, null, true, false, false));
    assertFrame(Response.streamEnd("r", 7), frame("r", true, 7, null, null, true, false, false));
  }

  @Test
  @DisplayName("error is a failure frame with the code name and the exception's message")
  void error() {
    assertFrame(Response.error("r", GenApiException.notFound("x", "0.0.0"), false),
      frame("r", false, null, "unsupported function: x version 0.0.0", "NOT_FOUND", false, false, false));
    assertFrame(Response.error("r", GenApiException.invalidRequest("bad"), true),
      frame("r", false, null, "Invalid request: bad", "INVALID_REQUEST", false, false, false));
    assertFrame(Response.error("r", GenApiException.timeout(300), false),
      frame("r", false, null, "Request timed out after 300ms", "TIMEOUT", false, false, true));
    Response response = Response.error("r", GenApiException.cancelled(), false);
    assertThat(response.success()).isFalse();
    assertThat(response.code()).isEqualTo(ErrorCode.CANCELLED);
    assertThat(response.retryAfterMs()).isNegative();
  }

  @Test
  @DisplayName("a RawJson result is spliced byte for byte, and an empty one is written as null")
  void rawResult() {
    String text = "[1, {\"a\" : \"b\"},\n 2.50]";
    Response response = Response.ok("r", new RawJson(Buffer.buffer(text)));
    assertThat(response.toBuffer().toString()).startsWith("{\"request_id\":\"r\",\"success\":true,\"result\":" + text + ",");
    assertThat(response.toJson().getJsonArray("result"))
      .isEqualTo(new JsonArray("[1,{\"a\":\"b\"},2.50]"));
    assertThat(response.toJson().fieldNames()).containsExactly(KEYS);
    assertFrame(Response.ok("r", new RawJson(Buffer.buffer())), frame("r", true, null, null, null, false, false, false));
    assertFrame(Response.chunk("r", RawJson.encode(new JsonObject().put("k", "v"))),
      frame("r", true, new JsonObject().put("k", "v"), null, null, true, true, false));
  }

  @Test
  @DisplayName("strings that need escaping survive the round trip in every string field")
  void escaping() {
    String tricky = "quote\" backslash\\ slash/ newline\n cr\r tab\t unicode é ✓ 😀 control \u0001 nul \u0000";
    JsonObject failed = Response.error(tricky, GenApiException.invalidRequest(tricky), false).toJson();
    assertThat(failed.getString("request_id")).isEqualTo(tricky);
    assertThat(failed.getString("error")).isEqualTo("Invalid request: " + tricky);
    JsonObject ok = Response.ok(tricky, new JsonObject().put(tricky, tricky)).toJson();
    assertThat(ok.getString("request_id")).isEqualTo(tricky);
    assertThat(ok.getJsonObject("result").getString(tricky)).isEqualTo(tricky);
    assertThat(Response.chunk("r", tricky).toJson().getString("result")).isEqualTo(tricky);
    assertThat(Response.ok("r", 1).toBuffer().toString()).doesNotContain("\n");
  }

  @Test
  @DisplayName("INTERNAL hides its reason unless detailed errors are on")
  void internalDetail() {
    GenApiException failure = GenApiException.internal("disk full");
    assertFrame(Response.error("r", failure, false),
      frame("r", false, null, "Internal Server Error", "INTERNAL", false, false, false));
    assertFrame(Response.error("r", failure, true),
      frame("r", false, null, "Internal Server Error: disk full", "INTERNAL", false, false, false));
    assertThat(Response.error("r", GenApiException.internal(""), true).error()).isEqualTo("Internal Server Error");
    assertThat(Response.error("r", GenApiException.internal(null), true).error()).isEqualTo("Internal Server Error");
    assertThat(Response.error("r", GenApiException.invalidRequest("x"), false).error()).isEqualTo("Invalid request: x");
  }

  @Test
  @DisplayName("TIMEOUT, UNAVAILABLE and RATE_LIMITED (and OVERLOADED) say can_retry; other codes do not")
  void canRetry() {
    Set<ErrorCode> retryable = Set.of(ErrorCode.TIMEOUT, ErrorCode.UNAVAILABLE, ErrorCode.RATE_LIMITED, ErrorCode.OVERLOADED);
    for (ErrorCode code : ErrorCode.values()) {
      JsonObject json = Response.error("r", new GenApiException(code, "m"), false).toJson();
      assertThat(json.getBoolean("can_retry")).as(code.name()).isEqualTo(retryable.contains(code));
      assertThat(json.getString("code")).isEqualTo(code.name());
    }
    assertThat(Response.error("r", GenApiException.unavailable("s"), false).toJson().getBoolean("can_retry")).isTrue();
  }

  @Test
  @DisplayName("retry_after_ms is written, last, only when the exception carries a non-negative value")
  void retryAfter() {
    JsonObject limited = Response.error("r",
      new GenApiException(ErrorCode.RATE_LIMITED, "Rate limit exceeded. Please retry after 2 seconds.", 1500), false)
      .toJson();
    assertThat(limited.fieldNames()).containsExactly(
      "request_id", "success", "result", "error", "code", "async", "has_more", "can_retry", "retry_after_ms");
    assertThat(limited.getLong("retry_after_ms")).isEqualTo(1500L);
    assertThat(limited.getBoolean("can_retry")).isTrue();
    assertThat(Response.error("r", new GenApiException(ErrorCode.RATE_LIMITED, "m", 0), false).toJson()
      .getLong("retry_after_ms")).isZero();
    assertThat(Response.error("r", new GenApiException(ErrorCode.RATE_LIMITED, "m"), false).toJson()
      .fieldNames()).containsExactly(KEYS);
    assertThat(Response.error("r", new GenApiException(ErrorCode.TIMEOUT, "m", -5), false).toJson()
      .containsKey("retry_after_ms")).isFalse();
  }
}
