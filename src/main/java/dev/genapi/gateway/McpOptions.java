package dev.genapi.gateway;

import io.vertx.core.json.JsonObject;

/**
 * The bounds of the MCP endpoint ({@code /mcp}): how many MCP sessions may be open at once on a gateway, and how long
 * a session without requests or an open event stream lives. The JSON keys sit in {@code gateway.json} next to the
 * other gateway settings.
 */
public final class McpOptions {

  /** Default bound on the open MCP sessions of one gateway. */
  public static final int DEFAULT_MAX_SESSIONS = 1000;
  /** Default time after which a session with no request and no open event stream is forgotten. */
  public static final long DEFAULT_SESSION_IDLE_MS = 600_000;

  private int maxSessions = DEFAULT_MAX_SESSIONS;
  private long sessionIdleMs = DEFAULT_SESSION_IDLE_MS;

  /** Default bounds. */
  public McpOptions() {
  }

  /** @param json keys {@code mcp_max_sessions} and {@code mcp_session_idle_ms} */
  public McpOptions(JsonObject json) {
    setMaxSessions(json.getInteger("mcp_max_sessions", DEFAULT_MAX_SESSIONS));
    setSessionIdleMs(json.getLong("mcp_session_idle_ms", DEFAULT_SESSION_IDLE_MS));
  }

  /** @return the JSON form */
  public JsonObject toJson() {
    return new JsonObject().put("mcp_max_sessions", maxSessions).put("mcp_session_idle_ms", sessionIdleMs);
  }

  /** @return the bound on open MCP sessions; an {@code initialize} over it answers {@code 503} */
  public int getMaxSessions() { return maxSessions; }

  /** @param maxSessions at least 1 @return a reference to this, so the API can be used fluently */
  public McpOptions setMaxSessions(int maxSessions) {
    if (maxSessions < 1) {
      throw new IllegalArgumentException("mcp_max_sessions: " + maxSessions + " (expected: at least 1)");
    }
    this.maxSessions = maxSessions;
    return this;
  }

  /** @return the idle time after which a session is forgotten (its next request answers {@code 404}) */
  public long getSessionIdleMs() { return sessionIdleMs; }

  /** @param sessionIdleMs at least 100 ms @return a reference to this, so the API can be used fluently */
  public McpOptions setSessionIdleMs(long sessionIdleMs) {
    if (sessionIdleMs < 100) {
      throw new IllegalArgumentException("mcp_session_idle_ms: " + sessionIdleMs + " (expected: at least 100)");
    }
    this.sessionIdleMs = sessionIdleMs;
    return this;
  }
}
