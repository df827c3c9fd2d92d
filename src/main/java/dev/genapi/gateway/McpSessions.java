package dev.genapi.gateway;

import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpStreamableServerSession;
import io.modelcontextprotocol.spec.McpStreamableServerTransportProvider;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The open MCP sessions of a gateway, shared by its HTTP servers' event loops: at most {@code mcp_max_sessions} of
 * them, each bound to the caller that opened it, and forgotten once idle for {@code mcp_session_idle_ms} (no request
 * and no open event stream). The SDK's server broadcasts through it ({@code notifications/tools/list_changed}).
 */
final class McpSessions implements McpStreamableServerTransportProvider {

  /** One session: the SDK's state, who opened it, when it was last used and its open event streams. */
  static final class Entry {
    final McpStreamableServerSession session;
    final String owner;
    final AtomicInteger streams = new AtomicInteger();
    volatile long lastUsedMs = System.currentTimeMillis();

    private Entry(McpStreamableServerSession session, String owner) {
      this.session = session;
      this.owner = owner;
    }
  }

  private final Map<String, Entry> sessions = new ConcurrentHashMap<>();
  private final McpOptions options;
  private volatile McpStreamableServerSession.Factory factory;

  McpSessions(McpOptions options) {
    this.options = options;
  }

  @Override
  public void setSessionFactory(McpStreamableServerSession.Factory factory) {
    this.factory = factory;
  }

  /**
   * @param request the client's {@code initialize}
   * @param owner who opens it (see {@link #find})
   * @return the new session and its initialize result, or {@code null} when {@code mcp_max_sessions} are open
   */
  synchronized McpStreamableServerSession.McpStreamableServerSessionInit start(McpSchema.InitializeRequest request,
                                                                             String owner) {
    if (sessions.size() >= options.getMaxSessions()) {
      return null;
    }
    McpStreamableServerSession.McpStreamableServerSessionInit init = factory.startSession(request);
    sessions.put(init.session().getId(), new Entry(init.session(), owner));
    return init;
  }

  /**
   * @return the session with that id, used now, or {@code null} when there is none or another caller opened it
   *   (another caller is told the same as for an unknown session)
   */
  Entry find(String id, String caller) {
    Entry entry = id == null ? null : sessions.get(id);
    if (entry == null || !Objects.equals(entry.owner, caller)) {
      return null;
    }
    entry.lastUsedMs = System.currentTimeMillis();
    return entry;
  }

  /** Ends a session (the client's {@code DELETE}). */
  Mono<Void> delete(String id) {
    Entry entry = sessions.remove(id);
    return entry == null ? Mono.empty() : entry.session.delete();
  }

  /** @return the number of open sessions */
  int size() {
    return sessions.size();
  }

  /** Forgets the sessions idle for longer than {@code mcp_session_idle_ms}. */
  void sweep() {
    long oldest = System.currentTimeMillis() - options.getSessionIdleMs();
    List<String> idle = new ArrayList<>();
    sessions.forEach((id, entry) -> {
      if (entry.streams.get() == 0 && entry.lastUsedMs < oldest) {
        idle.add(id);
      }
    });
    idle.forEach(id -> delete(id).onErrorComplete().subscribe());
  }

  @Override
  public Mono<Void> notifyClients(String method, Object params) {
    // a session without an open event stream cannot be told; it sees the change on its next tools/list
    return Flux.fromIterable(List.copyOf(sessions.values()))
      .flatMap(entry -> entry.session.sendNotification(method, params).onErrorComplete())
      .then();
  }

  @Override
  public Mono<Void> closeGracefully() {
    List<Entry> all = List.copyOf(sessions.values());
    sessions.clear();
    return Flux.fromIterable(all).flatMap(entry -> entry.session.closeGracefully().onErrorComplete()).then();
  }
}
