package dev.genapi.ratelimit;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The admissions of one key under one limit: an exact sliding log kept as a sorted ring of wall-clock timestamps.
 * The ring starts at {@link #INITIAL_CAPACITY} slots and doubles when full, up to {@code maxRequests}, so a key holds
 * memory for the calls it made rather than for the limit; once grown nothing is allocated per call. Local admissions
 * are appended and queued for the other gateways; theirs arrive in batches and are merged in timestamp order.
 */
final class SlidingWindow {

  /** Slots a new key's ring and outbox start with. */
  static final int INITIAL_CAPACITY = 8;

  private final int maxRequests;
  private final long windowMs;
  private long[] times;
  private int head;
  private int size;
  private long[] outbox;
  private int outboxSize;
  private long lastUsed;
  private long hotSince = -1;
  // admissions made until then were reset: peers' reports of them that arrive later are ignored
  private long resetAt = Long.MIN_VALUE;
  private long rejectionLoggedAt = -1;
  // when each peer's last eager flush of this key arrived: a peer flushes eagerly once the key is hot on its side
  private Map<String, Long> eagerFlushes;

  SlidingWindow(int maxRequests, long windowMs) {
    this.maxRequests = maxRequests;
    this.windowMs = windowMs;
    int initial = Math.min(INITIAL_CAPACITY, maxRequests);
    this.times = new long[initial];
    this.outbox = new long[initial];
  }

  /**
   * Records a call at {@code now} if the limit allows it.
   *
   * @param unreported admissions other gateways may have made and not reported yet, counted as if known
   * @param exchangeMs when they will be reported at the latest
   * @return a negative number when admitted, else the milliseconds after which a call may be admitted again
   */
  synchronized long acquire(long now, int unreported, long exchangeMs) {
    lastUsed = now;
    evict(now);
    if (size >= maxRequests) {
      return Math.max(1, times[head] + windowMs - now);
    }
    if (size + unreported >= maxRequests) {
      return Math.max(1, exchangeMs);
    }
    if (size == times.length) {
      grow();
    }
    times[(head + size) % times.length] = now;
    size++;
    if (outboxSize == outbox.length && outboxSize < maxRequests) {
      outbox = Arrays.copyOf(outbox, Math.min(2 * outboxSize, maxRequests));
    }
    if (outboxSize < outbox.length) {
      outbox[outboxSize++] = now;
    }
    return -1;
  }

  /**
   * @return whether this key is close enough to its limit that admissions should reach the other gateways at once:
   *   the known admissions are at least this gateway's fair part of the limit
   */
  synchronized boolean hot(int gateways, long now) {
    boolean hot = (long) size * gateways >= maxRequests;
    if (!hot) {
      hotSince = -1;
    } else if (hotSince < 0) {
      hotSince = now;
    }
    return hot;
  }

  /**
   * @param lastRounds when each live peer's last exchange round arrived (a round flushes every key of that peer)
   * @return how many peers may still hold admissions of this key they have not reported since it turned hot: those
   *   whose last round and last eager flush of the key are both older (an eager flush that made the key hot, in the
   *   same millisecond, counts as flushed; otherwise two gateways could each wait for the other's next round)
   */
  synchronized int unflushedPeers(Map<String, Long> lastRounds) {
    if (hotSince < 0) {
      return 0;
    }
    int unflushed = 0;
    for (Map.Entry<String, Long> peer : lastRounds.entrySet()) {
      Long flushed = eagerFlushes == null ? null : eagerFlushes.get(peer.getKey());
      if (peer.getValue() <= hotSince && (flushed == null || flushed < hotSince)) {
        unflushed++;
      }
    }
    return unflushed;
  }

  /**
   * Merges admissions another gateway made, keeping the newest {@code maxRequests}.
   *
   * @param eager whether the peer sent them at once because the key is hot there, rather than in a round
   */
  synchronized void merge(long[] remote, long now, String from, boolean eager) {
    evict(now);
    for (long time : remote) {
      if (time > now - windowMs && time > resetAt) {
        insert(time);
      }
    }
    if (eager) {
      if (eagerFlushes == null) {
        eagerFlushes = new HashMap<>(4);
      }
      eagerFlushes.put(from, now);
    }
  }

  /** @return the local admissions not yet sent to the other gateways, or {@code null} when there are none */
  synchronized long[] drain() {
    if (outboxSize == 0) {
      return null;
    }
    long[] sent = Arrays.copyOf(outbox, outboxSize);
    outboxSize = 0;
    return sent;
  }

  /**
   * Forgets every admission, local and merged, and those not sent yet; peers' admissions made until {@code at} that
   * arrive later are ignored.
   *
   * @param at when the reset was made
   */
  synchronized void reset(long at, long now) {
    head = 0;
    size = 0;
    outboxSize = 0;
    hotSince = -1;
    eagerFlushes = null;
    resetAt = Math.max(resetAt, at);
    lastUsed = now;
  }

  /** @return the state under that limit (whose window this is) at {@code now} */
  synchronized KeyState state(RateLimit limit, long now, boolean overflow) {
    evict(now);
    long resetMs = size == 0 ? 0 : Math.max(1, times[head] + windowMs - now);
    return new KeyState(limit, size, Math.max(0, maxRequests - size), resetMs, overflow);
  }

  /**
   * @return whether a rejection at {@code now} is the first in a window's time since the last one this answered
   *   {@code true} for, so that a key's rejections are logged once per window
   */
  synchronized boolean firstRejectionInWindow(long now) {
    if (rejectionLoggedAt >= 0 && now - rejectionLoggedAt < windowMs) {
      return false;
    }
    rejectionLoggedAt = now;
    return true;
  }

  /** @return whether the window holds nothing anyone still needs */
  synchronized boolean idle(long now) {
    evict(now);
    return size == 0 && outboxSize == 0 && now - lastUsed > windowMs;
  }

  /** @return the timestamps the ring can hold before it grows again */
  synchronized int capacity() {
    return times.length;
  }

  private void evict(long now) {
    long oldestKept = now - windowMs;
    while (size > 0 && times[head] <= oldestKept) {
      head = (head + 1) % times.length;
      size--;
    }
  }

  private void insert(long time) {
    if (size == maxRequests) {
      if (time <= times[head]) {
        return;
      }
      head = (head + 1) % times.length;
      size--;
    } else if (size == times.length) {
      grow();
    }
    int n = times.length;
    int position = size;
    while (position > 0 && times[(head + position - 1) % n] > time) {
      times[(head + position) % n] = times[(head + position - 1) % n];
      position--;
    }
    times[(head + position) % n] = time;
    size++;
  }

  /** Doubles the full ring, at most to {@code maxRequests}, laying it out from slot 0. */
  private void grow() {
    long[] grown = new long[(int) Math.min(2L * times.length, maxRequests)];
    int first = Math.min(size, times.length - head);
    System.arraycopy(times, head, grown, 0, first);
    System.arraycopy(times, 0, grown, first, size - first);
    times = grown;
    head = 0;
  }
}
