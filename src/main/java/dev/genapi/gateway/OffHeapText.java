package dev.genapi.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.vertx.core.Future;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;

/**
 * Text frames whose payload lives outside the heap. Frames queued for a client that reads slowly wait in the
 * socket's outbound buffer, up to its byte budget; as heap arrays every young collection would copy them, and those
 * pauses are what the other clients of the gateway feel. Vert.x passes an unpooled buffer through unchanged (it copies
 * pooled ones to the heap) but makes it unreleasable for Netty, so it is released here once the write completes: the
 * bytes are on the network, or the write failed.
 */
final class OffHeapText {

  private OffHeapText() {
  }

  /**
   * @param ws an open WebSocket
   * @param text the frame's text
   * @param maxFrameBytes the largest frame the server sends whole; a longer text goes through Vert.x, which splits it
   */
  static Future<Void> write(ServerWebSocket ws, String text, int maxFrameBytes) {
    int length = ByteBufUtil.utf8Bytes(text);
    if (length > maxFrameBytes) {
      return ws.writeTextMessage(text);
    }
    ByteBuf payload = Unpooled.directBuffer(length);
    ByteBufUtil.writeUtf8(payload, text);
    return ws.writeFrame(new WebSocketFrameImpl(WebSocketFrameType.TEXT, payload, true))
      .onComplete(done -> payload.release());
  }
}
