package dev.genapi.protocol;

import dev.genapi.api.ErrorCode;
import dev.genapi.api.GenApiException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Response frames")
class ResponseTest {

  private static JsonObject frame(String id, boolean success, Object result, String error, String code,
                                  boolean async, boolean hasMore, boolean canRetry) {
    return new JsonObject().put("request_id", id).put("success", success).put("result", result).put("error", error)
      .put("code", code).put("async", async).put("has_more", hasMore).put("can_retry", canRetry);
  }

  @Test
  @DisplayName("every factory writes every key with the documented flags")
  void factories() {
    JsonObject result = new JsonObject().put("message", "hi");
    assertThat(Response.ok("r", result).toJson()).isEqualTo(frame("r", true, result, null, null, false, false, false));
    assertThat(Response.ack("r").toJson()).isEqualTo(frame("r", true, null, null, null, true, false, false));
    assertThat(Response.streamInit("r").toJson()).isEqualTo(frame("r", true, "init", null, null, true, true, false));
    assertThat(Response.chunk("r", 7).toJson()).isEqualTo(frame("r", true, 7, null, null, true, true, false));
    assertThat(Response.streamEnd("r", null).toJson()).isEqualTo(frame("r", true, null, null, null, true, false, false));
    assertThat(Response.error("r", GenApiException.notFound("x", "0.0.0"), false).toJson())
      .isEqualTo(frame("r", false, null, "unsupported function: x version 0.0.0", "NOT_FOUND", false, false, false));
  }

  @Test
  @DisplayName("a raw result is spliced as is, and an empty one is null")
  void rawResult() {
    Buffer raw = Buffer.buffer("[1,{\"a\":\"b\"}]");
    assertThat(Response.ok("r", new RawJson(raw)).toJson().getJsonArray("result"))
      .isEqualTo(new JsonArray().add(1).add(new JsonObject().put("a", "b")));
    assertThat(Response.ok("r", new RawJson(Buffer.buffer())).toJson().getValue("result")).isNull();
    assertThat(new RawJson(raw).decode()).isEqualTo(RawJson.encode(new RawJson(raw).decode()).decode());
  }

  @Test
  @DisplayName("strings that need escaping survive the round trip")
  void escaping() {
    String id = "quote\" backslash\\ newline\n tab\t unicode é 😀 control \u0001";
    JsonObject json = Response.error(id, GenApiException.invalidRequest(id), false).toJson();
    assertThat(json.getString("request_id")).isEqualTo(id);
    assertThat(json.getString("error")).isEqualTo("Invalid request: " + id);
  }

  @Test
  @DisplayName("INTERNAL hides its reason unless detailed errors are on")
  void internalDetail() {
    GenApiException failure = GenApiException.internal("disk full");
    assertThat(Response.error("r", failure, false).error()).isEqualTo("Internal Server Error");
    assertThat(Response.error("r", failure, true).error()).isEqualTo("Internal Server Error: disk full");
    assertThat(Response.error("r", GenApiException.internal(""), true).error()).isEqualTo("Internal Server Error");
  }

  @Test
  @DisplayName("retryable codes say can_retry, and retry_after_ms appears only when set")
  void retry() {
    assertThat(Response.error("r", GenApiException.timeout(300), false).canRetry()).isTrue();
    assertThat(Response.error("r", GenApiException.unavailable("s"), false).canRetry()).isTrue();
    assertThat(Response.error("r", GenApiException.cancelled(), false).canRetry()).isFalse();
    assertThat(Response.error("r", GenApiException.timeout(300), false).toJson().containsKey("retry_after_ms")).isFalse();
    JsonObject limited = Response.error("r",
      new GenApiException(ErrorCode.RATE_LIMITED, "Rate limit exceeded. Please retry after 1 seconds.", 1500), false)
      .toJson();
    assertThat(limited.getBoolean("can_retry")).isTrue();
    assertThat(limited.getLong("retry_after_ms")).isEqualTo(1500);
    assertThat(limited.fieldNames()).hasSize(9);
  }
}
