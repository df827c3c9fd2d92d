package dev.genapi.gateway;

import dev.genapi.api.ErrorCode;
import dev.genapi.api.GenApiException;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * A gateway's drain, shared by its event loops and every transport: whether it drains and since when, the refusal
 * every call that arrives from then on gets, the reconnect delay each client is told (drawn uniformly from the spread
 * window, so clients do not all reconnect to the other gateways at once), and the calls still open on the gateway's
 * connections. Thread-safe.
 */
final class Drain {

  /**
   * How long the frames a client sent before it saw the drain signal may take to reach the gateway: connections stay
   * open that long after the spread window, so such a call is still answered here.
   */
  static final long IN_TRANSIT_MS = 500;

  // a GenApiException carries no stack trace and is never changed, so one instance serves every refusal
  private static final GenApiException REFUSED = GenApiException.unavailable("gateway draining");

  private final long timeoutMs;
  private final long spreadMs;
  private final LongAdder openCalls = new LongAdder();
  private volatile long startedAt = -1;

  /**
   * @param timeoutMs how long calls in flight may take to finish
   * @param spreadMs the window reconnect delays are drawn from; at most half the timeout is used
   */
  Drain(long timeoutMs, long spreadMs) {
    this.timeoutMs = timeoutMs;
    this.spreadMs = Math.min(spreadMs, timeoutMs / 2);
  }

  /** Starts the drain now. */
  void start() {
    startedAt = System.currentTimeMillis();
  }

  boolean draining() {
    return startedAt >= 0;
  }

  /** @throws GenApiException {@code UNAVAILABLE} (can_retry) "Service unavailable: gateway draining" once draining */
  void admit() {
    if (startedAt >= 0) {
      throw REFUSED;
    }
  }

  /** @return whether the failure is the drain's refusal of a new call */
  static boolean refused(GenApiException failure) {
    return failure == REFUSED;
  }

  /** @return a reconnect delay in milliseconds, drawn uniformly from {@code [0, spread]} */
  long reconnectAfterMs() {
    return ThreadLocalRandom.current().nextLong(spreadMs + 1);
  }

  /** @return whether every reconnect delay, plus the time frames take to arrive, has passed since the start */
  boolean windowPassed(long now) {
    return now >= startedAt + spreadMs + IN_TRANSIT_MS;
  }

  /** @return whether the drain's timeout has passed since the start */
  boolean deadlinePassed(long now) {
    return now >= startedAt + timeoutMs;
  }

  /**
   * @return the final answer of a call still open at the deadline: {@code TIMEOUT}, as its node may have run it (a
   *   client retries it only if it is safe to run twice)
   */
  GenApiException deadline() {
    return new GenApiException(ErrorCode.TIMEOUT, "Request timed out: gateway draining, drain_timeout_ms ("
      + timeoutMs + ") passed; the call may have run");
  }

  void callOpened() {
    openCalls.increment();
  }

  void callClosed() {
    openCalls.decrement();
  }

  /** @return the calls open on this gateway's connections, from admission to their last frame */
  long openCalls() {
    return openCalls.sum();
  }
}
