package dev.genapi.gateway;

import dev.genapi.api.ErrorCode;
import dev.genapi.api.GenApiException;

import java.util.ArrayList;
import java.util.List;

/**
 * The byte budget of one client connection, the same on every transport: the bytes of its calls in flight plus the
 * frames written to it and not yet handed to the network. Over the budget the connection stops being read (and new
 * calls are refused) until it drains to half; a client that keeps frames waiting over the budget for longer than the
 * slow-client timeout, or makes the connection hold twice the budget, is disconnected ({@value #SLOW_CLIENT}). Streams
 * to it get more chunks from their nodes only while it is within the budget ({@link #whenWritable}). Each
 * byte is counted in the gateway's {@link MemoryBudget} too. Used on the connection's event loop only.
 */
final class ConnectionFlow {

  /** Close code of a client that does not read what it asked for (policy violation). */
  static final int SLOW_CLIENT = 1008;

  private final ConnectionOpener shared;
  private final ClientLink link;
  private long callBytes;
  private long queuedBytes;
  private boolean paused;
  private boolean closed;
  private long slowTimer = -1;
  private List<Runnable> whenWritable;

  /** @param shared the gateway's memory budget, the client limits and the Vert.x of the timers */
  ConnectionFlow(ConnectionOpener shared, ClientLink link) {
    this.shared = shared;
    this.link = link;
  }

  /**
   * Counts a new call's bytes until {@link #releaseCall}.
   *
   * @throws GenApiException {@code OVERLOADED} when the connection or the gateway holds too much already
   */
  void holdCall(int bytes) {
    if (paused || callBytes + queuedBytes >= shared.budget) {
      throw new GenApiException(ErrorCode.OVERLOADED, "Too many bytes in flight on this connection (max "
        + shared.budget + ")");
    }
    if (!shared.memory.tryHold(bytes)) {
      throw new GenApiException(ErrorCode.OVERLOADED, "Service temporarily unavailable");
    }
    callBytes += bytes;
    check();
  }

  void releaseCall(int bytes) {
    if (!closed) {
      callBytes -= bytes;
      shared.memory.release(bytes);
      check();
    }
  }

  /** Runs the action now if the connection is within its budget, else once it has drained (never once closed). */
  void whenWritable(Runnable action) {
    if (closed) {
      return;
    }
    if (!paused) {
      action.run();
      return;
    }
    if (whenWritable == null) {
      whenWritable = new ArrayList<>(2);
    }
    whenWritable.add(action);
  }

  /** Writes one frame to the client, counted until the network has it. */
  void write(String text) {
    if (closed) {
      return;
    }
    int bytes = text.length();
    queuedBytes += bytes;
    shared.memory.hold(bytes);
    link.write(text).onComplete(r -> written(bytes));
    check();
  }

  /** Closes the connection (its close handler then calls {@link #closed}). */
  void close(int code, String reason) {
    link.close(code, reason);
  }

  /** Closes the connection once the frame being answered now is written (on the next turn of its event loop). */
  void closeAfterThisFrame(int code, String reason) {
    shared.vertx.runOnContext(v -> close(code, reason));
  }

  /** The connection is closed: whatever it held is released. */
  void closed() {
    if (!closed) {
      closed = true;
      shared.memory.release(callBytes + queuedBytes);
      callBytes = 0;
      queuedBytes = 0;
      whenWritable = null;
      cancelTimer();
    }
  }

  private void written(int bytes) {
    if (!closed) {
      queuedBytes -= bytes;
      shared.memory.release(bytes);
      check();
    }
  }

  private void check() {
    long held = callBytes + queuedBytes;
    if (held > 2 * shared.budget) {
      disconnect();
    } else if (!paused && held > shared.budget) {
      paused = true;
      link.pause();
      armTimer();
    } else if (paused && held <= shared.budget / 2) {
      paused = false;
      cancelTimer();
      link.resume();
      if (whenWritable != null) {
        List<Runnable> actions = whenWritable;
        whenWritable = null;
        actions.forEach(Runnable::run);
      }
    }
  }

  private void armTimer() {
    slowTimer = shared.vertx.setTimer(shared.slowClientTimeoutMs, id -> {
      slowTimer = -1;
      if (!closed && paused) {
        if (queuedBytes > 0) {
          disconnect();
        } else {
          armTimer();
        }
      }
    });
  }

  private void disconnect() {
    shared.memory.slowClient();
    link.close(SLOW_CLIENT, "slow client: over its byte budget");
    closed();
  }

  private void cancelTimer() {
    if (slowTimer != -1) {
      shared.vertx.cancelTimer(slowTimer);
      slowTimer = -1;
    }
  }
}
