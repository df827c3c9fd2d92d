package dev.genapi.protocol;

import io.vertx.core.buffer.Buffer;

/**
 * What a gateway sends to a service node to run one call. Carried by {@link NodeCallRequestCodec}, so the call's
 * routing travels in the body and calls need no headers.
 *
 * @param functionKey the function's key, {@code service/request_type/version}
 * @param callId the attempt's cluster-unique call id; the node's replies carry it back
 * @param replyTo the gateway's reply address for this call; it names the gateway's Hazelcast member
 *                ({@code Addresses.gatewayMember}), so the node stops the call if that member leaves the cluster
 * @param deadline epoch milliseconds after which the gateway no longer waits
 * @param userId the caller's user id, or {@code null}: with the device id, who "the same caller" of a repeated
 *               request_id is (handlers see it only when the function asks for request info)
 * @param deviceId the caller's device id, or {@code null}
 * @param body the call as JSON: at least {@code request_id} and {@code args}
 */
public record NodeCallRequest(String functionKey, String callId, String replyTo, long deadline, String userId,
                              String deviceId, Buffer body) {

  /**
   * How many chunks a stream may send before its gateway grants more: the gateway grants them as the client's
   * connection takes the chunks, so a stream goes at the pace of its reader.
   */
  public static final int STREAM_WINDOW = 64;
}
