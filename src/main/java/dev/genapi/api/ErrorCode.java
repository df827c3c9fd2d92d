package dev.genapi.api;

/**
 * The error codes a client can see in the {@code code} field of a failed response.
 * <p>
 * Each code has a stable integer used on the event bus ({@link #toInt()} / {@link #fromInt(int)}), so the wire form
 * never depends on declaration order, and a default {@code can_retry} flag.
 */
public enum ErrorCode {

  /** Malformed JSON, missing fields or a payload over the limit. */
  INVALID_REQUEST(400, false),
  /** No verified identity where one is required. */
  UNAUTHENTICATED(401, false),
  /** No such function or version. */
  NOT_FOUND(404, false),
  /** That exact version is disabled. */
  DISABLED(410, false),
  /** The permission check failed. */
  PERMISSION_DENIED(403, false),
  /** A rate limit is exhausted. */
  RATE_LIMITED(429, true),
  /** An argument has the wrong type or size, is missing, or is not declared. */
  INVALID_ARGUMENT(422, false),
  /** The function did not answer within its timeout. */
  TIMEOUT(504, true),
  /** No live node serves the function. */
  UNAVAILABLE(503, true),
  /** An in-flight or queue bound was reached. */
  OVERLOADED(529, true),
  /** The client cancelled the call. */
  CANCELLED(499, false),
  /** The function failed. */
  INTERNAL(500, false),
  /** Relay: the group already exists, or the user is already a member of it. */
  ALREADY_EXISTS(409, false),
  /** Relay: the group or the member is not in the state the call needs (not pending, not muted, not strict). */
  FAILED_PRECONDITION(412, false);

  private final int code;
  private final boolean canRetry;

  ErrorCode(int code, boolean canRetry) {
    this.code = code;
    this.canRetry = canRetry;
  }

  /**
   * @return the stable integer sent on the event bus
   */
  public int toInt() {
    return code;
  }

  /**
   * @return whether a client may retry a call that failed with this code
   */
  public boolean canRetry() {
    return canRetry;
  }

  /**
   * @param code an integer from {@link #toInt()}
   * @return the matching code, or {@link #INTERNAL} for an unknown integer
   */
  public static ErrorCode fromInt(int code) {
    for (ErrorCode value : values()) {
      if (value.code == code) {
        return value;
      }
    }
    return INTERNAL;
  }
}
