package dev.genapi.node;

import dev.genapi.api.ResponseType;
import dev.genapi.protocol.NodeCallRequest;
import dev.genapi.protocol.NodeReply;
import io.vertx.core.json.JsonObject;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The calls a node ran lately, by caller (user_id and device_id), function and request_id, so that a repeat of one
 * gets its answer instead of running the function again: each call while it runs, then its answer for the duplicate
 * window, as long as the answers kept fit in their memory bound (past it the oldest go first). A call that failed or
 * stopped is forgotten at once: sent again, it runs again. Streams and calls without a user_id are not kept. Used on
 * the node's consumer context only.
 */
final class RecentCalls {

  // what an answer costs besides its result and its call: the entry, its strings, the map and queue slots (about)
  private static final int ENTRY_BYTES = 256;

  private final long windowMs;
  private final long maxBytes;
  private final Map<Entry, Entry> entries = new HashMap<>();
  private final ArrayDeque<Entry> answered = new ArrayDeque<>();
  private long bytes;

  /** One call, the key of the table: caller, function and request id; the args tell a repeat from a new call. */
  static final class Entry {
    private final String functionKey;
    private final String userId;
    private final String deviceId;
    private final String requestId;
    private final int hash;
    private final JsonObject args;
    private NodeCall running;
    private NodeReply answer;
    private long expiresAt;
    private long size;

    private Entry(NodeCall call) {
      NodeCallRequest request = call.request();
      functionKey = request.functionKey();
      userId = request.userId();
      deviceId = request.deviceId();
      requestId = call.requestId();
      hash = 31 * (31 * (31 * functionKey.hashCode() + userId.hashCode()) + Objects.hashCode(deviceId))
        + requestId.hashCode();
      args = call.args();
      running = call;
    }

    /** @return the call while it runs, else {@code null} */
    NodeCall running() { return running; }

    /** @return the call's end once it answered, else {@code null} */
    NodeReply answer() { return answer; }

    @Override
    public boolean equals(Object o) {
      return o instanceof Entry other && hash == other.hash && functionKey.equals(other.functionKey)
        && userId.equals(other.userId) && Objects.equals(deviceId, other.deviceId) && requestId.equals(other.requestId);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  /**
   * @param windowMs how long an answer is kept, 0 for no repeat detection at all
   * @param maxBytes about how many bytes the answers kept may take
   */
  RecentCalls(long windowMs, long maxBytes) {
    this.windowMs = windowMs;
    this.maxBytes = maxBytes;
  }

  /**
   * @return the running or answered call this one repeats; else {@code null}, and this call is the one that later
   *   repeats are answered from
   */
  Entry admit(NodeCall call) {
    if (windowMs == 0 || call.request().userId() == null || call.requestId() == null
      || call.function().responseType() == ResponseType.STREAM) {
      return null;
    }
    expire(System.currentTimeMillis());
    Entry fresh = new Entry(call);
    Entry earlier = entries.get(fresh);
    if (earlier != null && earlier.args.equals(fresh.args)) {
      return earlier;
    }
    if (earlier != null) {
      entries.remove(earlier);
    }
    entries.put(fresh, fresh);
    call.recent(fresh);
    return null;
  }

  /**
   * The call is over: its answer is kept for the window when it succeeded, else it is forgotten.
   *
   * @param last the call's end or failure, {@code null} when it stopped (no gateway waited any more)
   */
  void over(NodeCall call, NodeReply last) {
    Entry entry = call.recent();
    if (entry == null || entries.get(entry) != entry) {
      return;
    }
    entry.running = null;
    if (last == null || last.kind() != NodeReply.Kind.END) {
      entries.remove(entry);
      return;
    }
    long now = System.currentTimeMillis();
    entry.answer = last;
    entry.expiresAt = now + windowMs;
    entry.size = ENTRY_BYTES + last.result().length() + call.request().body().length();
    bytes += entry.size;
    answered.add(entry);
    expire(now);
  }

  private void expire(long now) {
    while (!answered.isEmpty() && (bytes > maxBytes || answered.peek().expiresAt <= now)) {
      Entry oldest = answered.poll();
      bytes -= oldest.size;
      if (entries.get(oldest) == oldest) {
        entries.remove(oldest);
      }
    }
  }
}
