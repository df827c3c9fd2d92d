package dev.genapi.gateway;

import io.vertx.core.Future;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;

/**
 * The socket under one client connection, as the transports' shared flow control sees it: frames out, reading paused
 * and resumed, and a close with a code and a reason.
 */
interface ClientLink {

  /** @return completed once the frame was handed to the network (or failed when the link is closed) */
  Future<Void> write(String text);

  /** Stops reading the client's frames. */
  void pause();

  /** Reads the client's frames again. */
  void resume();

  /** Closes the connection with a close code and a short reason. */
  void close(int code, String reason);

  static ClientLink of(ServerWebSocket ws) {
    return new ClientLink() {
      @Override
      public Future<Void> write(String text) {
        return ws.isClosed() ? Future.failedFuture("closed") : ws.writeTextMessage(text);
      }

      @Override
      public void pause() {
        ws.pause();
      }

      @Override
      public void resume() {
        ws.resume();
      }

      @Override
      public void close(int code, String reason) {
        if (!ws.isClosed()) {
          ws.close((short) code, reason);
        }
      }
    };
  }

  // SockJS's pause only holds frames in memory (its transports keep reading), so it is not used: calls that arrive
  // over the budget are refused instead
  static ClientLink of(SockJSSocket socket) {
    return new ClientLink() {
      @Override
      public Future<Void> write(String text) {
        return socket.write(text);
      }

      @Override
      public void pause() {
      }

      @Override
      public void resume() {
      }

      @Override
      public void close(int code, String reason) {
        socket.close(code, reason);
      }
    };
  }
}
