package dev.genapi.dispatch;

import dev.genapi.api.ErrorCode;
import dev.genapi.api.FunConfig;
import dev.genapi.api.GenApiException;
import dev.genapi.protocol.Request;
import io.vertx.core.Future;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds the calls in flight per function on this gateway: a call takes a slot until it ends, and one that finds
 * every slot taken ends with {@code OVERLOADED} "Service temporarily unavailable". The gateway's event loops share
 * the counters.
 */
final class InFlightBound implements Stage {

  private final int maxInFlight;
  private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
  private final AtomicInteger total = new AtomicInteger();

  /** @param maxInFlight the most calls in flight per function */
  InFlightBound(int maxInFlight) {
    this.maxInFlight = maxInFlight;
  }

  @Override
  public Future<Request> apply(Call call) {
    FunConfig function = call.function();
    AtomicInteger count = inFlight.computeIfAbsent(function.key(), k -> new AtomicInteger());
    if (count.incrementAndGet() > maxInFlight) {
      count.decrementAndGet();
      throw new GenApiException(ErrorCode.OVERLOADED, "Service temporarily unavailable");
    }
    total.incrementAndGet();
    call.hold(this);
    return NEXT;
  }

  @Override
  public boolean forGatewayCalls() {
    return true;
  }

  /** Gives back the slot a call of that function took. */
  void release(FunConfig function) {
    inFlight.get(function.key()).decrementAndGet();
    total.decrementAndGet();
  }

  /** @return the calls in flight on this gateway, every function included */
  int total() {
    return total.get();
  }
}
