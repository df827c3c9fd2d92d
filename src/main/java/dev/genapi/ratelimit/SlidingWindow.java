package dev.genapi.ratelimit;

/**
 * The admissions of one key under one limit: an exact sliding log kept as a sorted ring of at most
 * {@code maxRequests} wall-clock timestamps (no allocation per call). Local admissions are appended and also queued
 * for the other gateways; theirs arrive in batches and are merged in timestamp order.
 * <p>
 * In cluster mode a gateway may admit at most its {@code share} of what is left of the limit between two exchanges,
 * so N gateways cannot together overshoot the limit by more than N - 1 calls.
 */
final class SlidingWindow {

  private final long windowMs;
  private final long[] times;
  private int head;
  private int size;
  private final long[] outbox;
  private int outboxSize;
  private int sinceExchange;
  private int share = Integer.MAX_VALUE;
  private long lastUsed;

  SlidingWindow(int maxRequests, long windowMs) {
    this.windowMs = windowMs;
    this.times = new long[maxRequests];
    this.outbox = new long[maxRequests];
  }

  /**
   * Records a call at {@code now} if the limit allows it.
   *
   * @return a negative number when admitted, else the milliseconds after which a call may be admitted again
   */
  synchronized long acquire(long now, long exchangeMs) {
    lastUsed = now;
    evict(now);
    if (size >= times.length) {
      return Math.max(1, times[head] + windowMs - now);
    }
    if (sinceExchange >= share) {
      return Math.max(1, Math.min(exchangeMs, size == 0 ? exchangeMs : times[head] + windowMs - now));
    }
    times[(head + size) % times.length] = now;
    size++;
    sinceExchange++;
    if (outboxSize < outbox.length) {
      outbox[outboxSize++] = now;
    }
    return -1;
  }

  /** Merges admissions other gateways made, keeping the newest {@code maxRequests}. */
  synchronized void merge(long[] remote, long now) {
    evict(now);
    for (long time : remote) {
      if (time > now - windowMs) {
        insert(time);
      }
    }
  }

  /**
   * Starts an exchange round: hands out the admissions to publish and sets the share this gateway may admit until
   * the next round.
   *
   * @param gateways how many gateways share the limit (1 outside cluster mode)
   * @return the local admissions since the last round, or {@code null} when there are none
   */
  synchronized long[] exchange(long now, int gateways) {
    evict(now);
    int left = times.length - size;
    share = gateways <= 1 ? Integer.MAX_VALUE : left <= 0 ? 0 : (left + gateways - 1) / gateways;
    sinceExchange = 0;
    if (outboxSize == 0) {
      return null;
    }
    long[] sent = java.util.Arrays.copyOf(outbox, outboxSize);
    outboxSize = 0;
    return sent;
  }

  /** @return whether the window holds nothing anyone still needs */
  synchronized boolean idle(long now) {
    evict(now);
    return size == 0 && outboxSize == 0 && now - lastUsed > windowMs;
  }

  private void evict(long now) {
    long oldestKept = now - windowMs;
    while (size > 0 && times[head] <= oldestKept) {
      head = (head + 1) % times.length;
      size--;
    }
  }

  private void insert(long time) {
    int n = times.length;
    if (size == n) {
      if (time <= times[head]) {
        return;
      }
      head = (head + 1) % n;
      size--;
    }
    int position = size;
    while (position > 0 && times[(head + position - 1) % n] > time) {
      times[(head + position) % n] = times[(head + position - 1) % n];
      position--;
    }
    times[(head + position) % n] = time;
    size++;
  }
}
