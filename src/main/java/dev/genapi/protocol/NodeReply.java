package dev.genapi.protocol;

import dev.genapi.api.GenApiException;
import io.vertx.core.buffer.Buffer;

/**
 * What a service node sends to a gateway's reply address for one call: a stream chunk, the end of the call (its
 * result, or the last chunk of a stream), a failure, or a refusal (the node did not start the call, so the gateway
 * knows it never ran). Carried by {@link NodeReplyCodec}, so the call id travels in
 * the body and replies need no headers.
 *
 * @param callId the attempt's call id, as the gateway sent it
 * @param kind what this reply is
 * @param result the UTF-8 JSON of the result or chunk (empty for none); {@code null} for a failure
 * @param failure why the call failed or was refused; {@code null} unless {@code kind} is {@link Kind#FAILURE} or
 *                {@link Kind#REFUSED}
 */
public record NodeReply(String callId, Kind kind, Buffer result, GenApiException failure) {

  /** What a reply is. */
  public enum Kind {
    /** One stream chunk; more replies follow. */
    CHUNK,
    /** The result, or the last chunk of a stream: the call has ended. */
    END,
    /** The call failed: it has ended. */
    FAILURE,
    /** The node did not start the call (no such function there, an unreadable call, its deadline already past). */
    REFUSED
  }

  /** @return a stream chunk */
  public static NodeReply chunk(String callId, Buffer chunk) {
    return new NodeReply(callId, Kind.CHUNK, chunk, null);
  }

  /** @return the end of a call with its result (empty for none) */
  public static NodeReply end(String callId, Buffer result) {
    return new NodeReply(callId, Kind.END, result, null);
  }

  /** @return the failure of a call */
  public static NodeReply failure(String callId, GenApiException failure) {
    return new NodeReply(callId, Kind.FAILURE, null, failure);
  }

  /** @return the refusal of a call the node did not start */
  public static NodeReply refused(String callId, GenApiException reason) {
    return new NodeReply(callId, Kind.REFUSED, null, reason);
  }

  /** @return the same reply for another call id (a repeat of the call gets the answer of the call it repeats) */
  public NodeReply forCall(String otherCallId) {
    return new NodeReply(otherCallId, kind, result, failure);
  }
}
