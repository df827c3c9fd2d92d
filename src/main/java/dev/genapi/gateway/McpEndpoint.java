package dev.genapi.gateway;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpAsyncServer;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.List;
import java.util.Objects;

/**
 * A gateway's MCP server (the SDK's, on {@link McpSessions}), shared by its HTTP servers: its tools follow the
 * registry (checked every {@value #SYNC_MS} ms), idle sessions are swept, and {@link #transport()} serves
 * {@code /mcp}.
 */
final class McpEndpoint {

  /** How often the registry is checked for changes to the tools. */
  static final long SYNC_MS = 200;

  private final Vertx vertx;
  private final McpSessions sessions;
  private final McpAsyncServer server;
  private final McpTransport transport;
  private final long sweepTimer;
  private volatile long syncTimer = -1;

  private McpEndpoint(Vertx vertx, Gateway gateway, GatewayOptions options) {
    this.vertx = vertx;
    McpJsonMapper json = McpJsonDefaults.getMapper();
    AdminToken admin = new AdminToken(options.getAdminToken());
    McpResults results = new McpResults(json);
    sessions = new McpSessions(options.getMcp());
    server = McpServer.async(sessions)
      .serverInfo("genapi", Objects.requireNonNullElse(Gateway.class.getPackage().getImplementationVersion(), "dev"))
      .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
      .jsonMapper(json)
      // GenApi checks the arguments itself, answering INVALID_ARGUMENT with the precise reason
      .validateToolInputs(false)
      .addToolFilter(McpAdminTools::visible)
      .tools(admin.configured() ? McpAdminTools.of(gateway, json, results) : List.of())
      .build();
    McpTools tools = new McpTools(gateway.registry(), server,
      new McpToolCall(vertx, gateway, options, results), json);
    transport = new McpTransport(gateway, sessions, json, admin);
    // the tools are synced on one context, the first time right away
    vertx.getOrCreateContext().runOnContext(v -> {
      tools.sync().subscribe();
      syncTimer = vertx.setPeriodic(SYNC_MS, id -> tools.sync().subscribe());
    });
    long idle = options.getMcp().getSessionIdleMs();
    sweepTimer = vertx.setPeriodic(Math.max(50, Math.min(idle / 4, 30_000)), id -> sessions.sweep());
  }

  /** @return the endpoint of that gateway, its tools those of the registry as it is now */
  static McpEndpoint start(Vertx vertx, Gateway gateway, GatewayOptions options) {
    return new McpEndpoint(vertx, gateway, options);
  }

  /** @return the HTTP side, for each server's router */
  McpTransport transport() {
    return transport;
  }

  /** @return the number of open sessions */
  int sessions() {
    return sessions.size();
  }

  /** Stops following the registry and ends every session. */
  Future<Void> stop() {
    vertx.cancelTimer(syncTimer);
    vertx.cancelTimer(sweepTimer);
    return Future.fromCompletionStage(server.closeGracefully().toFuture()).mapEmpty();
  }
}
