package dev.genapi.protocol;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;

/**
 * Carries a {@link NodeCallRequest} across the clustered event bus: its strings length-prefixed (-1 for
 * {@code null}), the deadline, then the body. Local delivery passes the same instance.
 */
public final class NodeCallRequestCodec extends PassThroughCodec<NodeCallRequest> {

  /** A codec named {@code genapi.node-call}. */
  public NodeCallRequestCodec() {
    super("genapi.node-call");
  }

  @Override
  public void encodeToWire(Buffer buffer, NodeCallRequest call) {
    appendString(buffer, call.functionKey());
    appendString(buffer, call.callId());
    appendString(buffer, call.replyTo());
    buffer.appendLong(call.deadline());
    appendString(buffer, call.userId());
    appendString(buffer, call.deviceId());
    buffer.appendInt(call.body().length()).appendBuffer(call.body());
  }

  @Override
  public NodeCallRequest decodeFromWire(int pos, Buffer buffer) {
    int[] at = {pos};
    String functionKey = readString(buffer, at);
    String callId = readString(buffer, at);
    String replyTo = readString(buffer, at);
    long deadline = buffer.getLong(at[0]);
    at[0] += 8;
    String userId = readString(buffer, at);
    String deviceId = readString(buffer, at);
    int length = buffer.getInt(at[0]);
    Buffer body = buffer.getBuffer(at[0] + 4, at[0] + 4 + length);
    return new NodeCallRequest(functionKey, callId, replyTo, deadline, userId, deviceId, body);
  }

  private static void appendString(Buffer buffer, String value) {
    if (value == null) {
      buffer.appendInt(-1);
    } else {
      byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
      buffer.appendInt(bytes.length).appendBytes(bytes);
    }
  }

  private static String readString(Buffer buffer, int[] at) {
    int length = buffer.getInt(at[0]);
    at[0] += 4;
    if (length < 0) {
      return null;
    }
    String value = buffer.getString(at[0], at[0] + length, "UTF-8");
    at[0] += length;
    return value;
  }
}
