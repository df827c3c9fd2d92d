package dev.genapi.protocol;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.genapi.api.ErrorCode;
import dev.genapi.api.GenApiException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

/**
 * One frame a gateway sends back for a call. Every key is always present:
 * <pre>{@code {"request_id":"r1","success":true,"result":{"message":"hi"},"error":null,"code":null,
 *  "async":false,"has_more":false,"can_retry":false}}</pre>
 * Rate-limited responses add {@code retry_after_ms}.
 *
 * @param requestId the call's request id
 * @param success whether this frame reports success
 * @param result the result or chunk (a JSON value or {@link RawJson}), or {@code null}
 * @param error the error text, or {@code null}
 * @param code the error code, or {@code null}
 * @param async whether more frames follow or this is a stream frame
 * @param hasMore whether more chunks follow
 * @param canRetry whether the client may retry
 * @param retryAfterMs milliseconds before a retry may succeed, or a negative value when not sent
 */
public record Response(String requestId, boolean success, Object result, String error, ErrorCode code,
                       boolean async, boolean hasMore, boolean canRetry, long retryAfterMs) {

  /** The {@code error} text of {@link ErrorCode#INTERNAL}. */
  public static final String INTERNAL_ERROR = "Internal Server Error";

  /** @return the final success frame of a sync or async call */
  public static Response ok(String requestId, Object result) {
    return new Response(requestId, true, result, null, null, false, false, false, -1);
  }

  /** @return the acknowledgement of an async call */
  public static Response ack(String requestId) {
    return new Response(requestId, true, null, null, null, true, false, false, -1);
  }

  /** @return the first frame of a stream ({@code result:"init"}) */
  public static Response streamInit(String requestId) {
    return chunk(requestId, "init");
  }

  /** @return one stream chunk */
  public static Response chunk(String requestId, Object chunk) {
    return new Response(requestId, true, chunk, null, null, true, true, false, -1);
  }

  /** @return the end of a stream, with the last chunk or {@code null} */
  public static Response streamEnd(String requestId, Object last) {
    return new Response(requestId, true, last, null, null, true, false, false, -1);
  }

  /**
   * @param requestId the call's request id
   * @param failure why the call failed
   * @param detailErrors whether an {@code INTERNAL} failure shows its reason
   * @return the error frame
   */
  public static Response error(String requestId, GenApiException failure, boolean detailErrors) {
    ErrorCode code = failure.code();
    String text = failure.getMessage();
    if (code == ErrorCode.INTERNAL) {
      text = detailErrors && text != null && !text.isEmpty() ? INTERNAL_ERROR + ": " + text : INTERNAL_ERROR;
    }
    return new Response(requestId, false, null, text, code, false, false, code.canRetry(), failure.retryAfterMs());
  }

  /** @return the frame as JSON text */
  public String encode() {
    StringBuilder out = new StringBuilder(160);
    out.append("{\"request_id\":");
    appendString(out, requestId);
    out.append(success ? ",\"success\":true,\"result\":" : ",\"success\":false,\"result\":");
    if (result instanceof RawJson raw) {
      out.append(raw.bytes().length() == 0 ? "null" : raw.bytes().toString());
    } else {
      out.append(Json.encode(result));
    }
    out.append(",\"error\":");
    appendString(out, error);
    out.append(",\"code\":");
    appendString(out, code == null ? null : code.name());
    out.append(async ? ",\"async\":true" : ",\"async\":false");
    out.append(hasMore ? ",\"has_more\":true" : ",\"has_more\":false");
    out.append(canRetry ? ",\"can_retry\":true" : ",\"can_retry\":false");
    if (retryAfterMs >= 0) {
      out.append(",\"retry_after_ms\":").append(retryAfterMs);
    }
    return out.append('}').toString();
  }

  /**
   * @param target what the push was sent to: {@code user}, {@code device} or {@code group:<group_id>}
   * @return the frame as JSON text with a last key {@code "push"} naming the target: a server push
   */
  public String encodePush(String target) {
    String frame = encode();
    StringBuilder out = new StringBuilder(frame.length() + 16 + target.length()).append(frame, 0, frame.length() - 1)
      .append(",\"push\":");
    appendString(out, target);
    return out.append('}').toString();
  }

  /** @return the frame as UTF-8 JSON text */
  public Buffer toBuffer() {
    return Buffer.buffer(encode());
  }

  /** @return the frame as a JSON object */
  public JsonObject toJson() {
    return toBuffer().toJsonObject();
  }

  private static void appendString(StringBuilder out, String value) {
    if (value == null) {
      out.append("null");
    } else {
      out.append('"').append(JsonStringEncoder.getInstance().quoteAsString(value)).append('"');
    }
  }
}
