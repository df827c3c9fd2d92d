package dev.genapi.protocol;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;

/**
 * Carries a {@link NodeReply} across the clustered event bus: the call id, the kind, then the result bytes or the
 * failure as {@link GenApiExceptionCodec} writes it. Local delivery passes the same instance.
 */
public final class NodeReplyCodec extends PassThroughCodec<NodeReply> {

  private static final NodeReply.Kind[] KINDS = NodeReply.Kind.values();
  private static final GenApiExceptionCodec FAILURES = new GenApiExceptionCodec();

  /** A codec named {@code genapi.node-reply}. */
  public NodeReplyCodec() {
    super("genapi.node-reply");
  }

  @Override
  public void encodeToWire(Buffer buffer, NodeReply reply) {
    byte[] callId = reply.callId().getBytes(StandardCharsets.UTF_8);
    buffer.appendInt(callId.length).appendBytes(callId).appendByte((byte) reply.kind().ordinal());
    if (reply.kind() == NodeReply.Kind.FAILURE || reply.kind() == NodeReply.Kind.REFUSED) {
      FAILURES.encodeToWire(buffer, reply.failure());
    } else {
      buffer.appendInt(reply.result().length()).appendBuffer(reply.result());
    }
  }

  @Override
  public NodeReply decodeFromWire(int pos, Buffer buffer) {
    int idLength = buffer.getInt(pos);
    String callId = buffer.getString(pos + 4, pos + 4 + idLength, "UTF-8");
    int at = pos + 4 + idLength;
    NodeReply.Kind kind = KINDS[buffer.getByte(at)];
    if (kind == NodeReply.Kind.FAILURE || kind == NodeReply.Kind.REFUSED) {
      return new NodeReply(callId, kind, null, FAILURES.decodeFromWire(at + 1, buffer));
    }
    int length = buffer.getInt(at + 1);
    return new NodeReply(callId, kind, buffer.getBuffer(at + 5, at + 5 + length), null);
  }
}
