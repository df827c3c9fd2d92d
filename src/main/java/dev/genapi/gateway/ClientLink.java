package dev.genapi.gateway;

import io.vertx.core.Future;

import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The socket under one client connection, as the transports' shared flow control sees it: frames out, reading paused
 * and resumed, and a close with a code and a reason.
 */
interface ClientLink {

  /** How long a client may take to answer a close before its TCP connection is dropped. */
  long CLOSE_GRACE_MS = 1000;

  /** @return completed once the frame was handed to the network (or failed when the link is closed) */
  Future<Void> write(String text);

  /** Stops reading the client's frames. */
  void pause();

  /** Reads the client's frames again. */
  void resume();

  /** Closes the connection with a close code and a short reason. */
  void close(int code, String reason);

  /**
   * A link whose reading cannot be paused: SockJS (its pause only holds frames in memory, as its transports keep
   * reading) and an HTTP response (the body is read whole). Calls that arrive over the budget are refused instead.
   */
  static ClientLink unpausable(Function<String, Future<Void>> write, BiConsumer<Integer, String> close) {
    return new ClientLink() {
      @Override
      public Future<Void> write(String text) {
        return write.apply(text);
      }

      @Override
      public void pause() {
      }

      @Override
      public void resume() {
      }

      @Override
      public void close(int code, String reason) {
        close.accept(code, reason);
      }
    };
  }
}
