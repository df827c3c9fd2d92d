package dev.genapi.gateway;

import dev.genapi.api.GenApiException;
import io.vertx.core.buffer.Buffer;

/**
 * One client connection as its transport drives it, whatever protocol it speaks: frames in, the close, and the
 * drain hand-off. Used on the connection's event loop only.
 */
interface ClientSession {

  /** Handles one frame from the client. */
  void onFrame(Buffer frame);

  /** Writes a server push (a push frame, already encoded) to the client, on whatever its protocol carries it. */
  void push(String frame);

  /** The connection is closed: calls in flight are abandoned. */
  void onClose();

  /**
   * The gateway starts draining: tells the client to move to another gateway.
   *
   * @param reconnectAfterMs how long the client should wait before it reconnects
   */
  void drain(long reconnectAfterMs);

  /** @return whether the gateway may close this connection before the drain ends: nothing can be lost any more */
  boolean handedOff();

  /** The drain is over: every call still in flight gets this failure as its last frame. */
  void finishCalls(GenApiException failure);
}
