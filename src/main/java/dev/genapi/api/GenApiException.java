package dev.genapi.api;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/**
 * The one failure type of GenApi: an {@link ErrorCode} plus the message a client sees in {@code error}.
 * <p>
 * It is a {@link ReplyException} with {@link ReplyFailure#RECIPIENT_FAILURE}, so a service node can fail a call with
 * it and the gateway receives it unchanged across the clustered event bus (a codec is registered for it). It carries
 * no stack trace: it is control flow, not a bug report.
 */
public final class GenApiException extends ReplyException {

  private final ErrorCode code;
  private final long retryAfterMs;

  /**
   * @param code the error code
   * @param message the message a client sees
   */
  public GenApiException(ErrorCode code, String message) {
    this(code, message, -1);
  }

  /**
   * @param code the error code
   * @param message the message a client sees
   * @param retryAfterMs milliseconds after which a retry may succeed, or a negative value when not applicable
   */
  public GenApiException(ErrorCode code, String message, long retryAfterMs) {
    super(ReplyFailure.RECIPIENT_FAILURE, code.toInt(), message);
    this.code = code;
    this.retryAfterMs = retryAfterMs;
  }

  /**
   * @return the error code
   */
  public ErrorCode code() {
    return code;
  }

  /**
   * @return milliseconds after which a retry may succeed, or a negative value when not applicable
   */
  public long retryAfterMs() {
    return retryAfterMs;
  }

  /** @return an {@link ErrorCode#INVALID_REQUEST} failure with the original's {@code Invalid request: } prefix */
  public static GenApiException invalidRequest(String detail) {
    return new GenApiException(ErrorCode.INVALID_REQUEST, "Invalid request: " + detail);
  }

  /** @return an {@link ErrorCode#NOT_FOUND} failure with the original's text */
  public static GenApiException notFound(String requestType, String version) {
    return new GenApiException(ErrorCode.NOT_FOUND, "unsupported function: " + requestType + " version " + version);
  }

  /** @return an {@link ErrorCode#DISABLED} failure with the original's text */
  public static GenApiException disabled(String requestType, String version) {
    return new GenApiException(ErrorCode.DISABLED, "disabled function: " + requestType + " version " + version);
  }

  /** @return an {@link ErrorCode#TIMEOUT} failure */
  public static GenApiException timeout(long timeoutMs) {
    return new GenApiException(ErrorCode.TIMEOUT, "Request timed out after " + timeoutMs + "ms");
  }

  /** @return an {@link ErrorCode#UNAVAILABLE} failure */
  public static GenApiException unavailable(String service) {
    return new GenApiException(ErrorCode.UNAVAILABLE, "Service unavailable: " + service);
  }

  /** @return an {@link ErrorCode#CANCELLED} failure */
  public static GenApiException cancelled() {
    return new GenApiException(ErrorCode.CANCELLED, "Cancelled");
  }

  /**
   * @param reason why the function failed; shown to clients only when detailed errors are on
   * @return an {@link ErrorCode#INTERNAL} failure whose message is the reason
   */
  public static GenApiException internal(String reason) {
    return new GenApiException(ErrorCode.INTERNAL, reason == null ? "" : reason);
  }

  @Override
  public String toString() {
    return "(" + code + ") " + getMessage();
  }
}
