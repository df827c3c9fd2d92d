package dev.genapi.gateway;

import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.HttpHeaders;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpStreamableServerSession;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import reactor.core.Disposable;

import java.util.HashMap;
import java.util.Map;

/**
 * MCP over Streamable HTTP at {@code /mcp}: {@code POST} carries one JSON-RPC message ({@code initialize} answers JSON
 * with {@code Mcp-Session-Id}; any other request answers an event stream that ends after its response; notifications
 * and responses answer {@code 202}), {@code GET} opens the session's stream of server messages, {@code DELETE} ends
 * the session. Every request is authenticated on its own, as {@code /api/call} is: a bearer JWT (or none), or the
 * admin token. Errors: {@code 400} a missing {@code Mcp-Session-Id}, a wrong {@code Accept} or a message that is not
 * JSON-RPC; {@code 401} an invalid token; {@code 404} an unknown, expired or another caller's session; {@code 405}
 * another method; {@code 415} a body that is not JSON; {@code 503} {@code mcp_max_sessions} open.
 */
final class McpTransport {

  /** Transport-context key of the caller's verified {@link Identity} (absent without a token). */
  static final String IDENTITY = "genapi.identity";
  /** Transport-context key set to {@code true} when the caller presented the admin token. */
  static final String ADMIN = "genapi.admin";
  /** Transport-context key of the caller's address. */
  static final String IP = "genapi.ip";
  /** Transport-context key of the Vert.x context the request arrived on. */
  static final String CONTEXT = "genapi.context";

  private static final String JSON = "application/json";
  private static final String EVENTS = "text/event-stream";

  private final Gateway gateway;
  private final McpSessions sessions;
  private final McpJsonMapper json;
  private final AdminToken admin;

  McpTransport(Gateway gateway, McpSessions sessions, McpJsonMapper json, AdminToken admin) {
    this.gateway = gateway;
    this.sessions = sessions;
    this.json = json;
    this.admin = admin;
  }

  void handle(RoutingContext rc) {
    String method = rc.request().method().name();
    if (!method.equals("POST") && !method.equals("GET") && !method.equals("DELETE")) {
      rc.response().putHeader("Allow", "GET, POST, DELETE");
      error(rc.response(), 405, McpSchema.ErrorCodes.INVALID_REQUEST, "Method not allowed: " + method);
      return;
    }
    caller(rc).onSuccess(context -> {
      switch (method) {
        case "POST" -> post(rc, context);
        case "GET" -> listen(rc, context);
        default -> delete(rc, context);
      }
    }).onFailure(e -> {
      rc.response().putHeader("WWW-Authenticate", "Bearer");
      error(rc.response(), 401, McpSchema.ErrorCodes.INVALID_REQUEST, "Authentication failed: " + e.getMessage());
    });
  }

  private Future<McpTransportContext> caller(RoutingContext rc) {
    HttpServerRequest http = rc.request();
    Map<String, Object> values = new HashMap<>();
    values.put(CONTEXT, Vertx.currentContext());
    String ip = gateway.connections().addresses().clientOf(http.remoteAddress(), http.headers());
    if (ip != null) {
      values.put(IP, ip);
    }
    if (admin.matches(http.getHeader("Authorization"))) {
      values.put(ADMIN, true);
      return Future.succeededFuture(McpTransportContext.create(values));
    }
    return gateway.authenticator().authenticate(Authenticator.tokenOf(http.getHeader("Authorization"), null))
      .map(identity -> {
        if (identity != null) {
          values.put(IDENTITY, identity);
        }
        return McpTransportContext.create(values);
      });
  }

  /** @return who a session belongs to: the admin, a user, or (no token) anyone without one */
  private static String owner(McpTransportContext context) {
    if (Boolean.TRUE.equals(context.get(ADMIN))) {
      return "admin";
    }
    return context.get(IDENTITY) instanceof Identity identity ? "user:" + identity.userId() : null;
  }

  private void post(RoutingContext rc, McpTransportContext context) {
    HttpServerResponse response = rc.response();
    String accept = rc.request().getHeader("Accept");
    if (accept == null || !accept.contains(JSON) || !accept.contains(EVENTS)) {
      error(response, 400, McpSchema.ErrorCodes.INVALID_REQUEST, "Accept must list application/json and "
        + "text/event-stream");
      return;
    }
    String type = rc.request().getHeader("Content-Type");
    if (type == null || !type.regionMatches(true, 0, JSON, 0, JSON.length())) {
      error(response, 415, McpSchema.ErrorCodes.INVALID_REQUEST, "Content-Type must be application/json");
      return;
    }
    McpSchema.JSONRPCMessage message;
    try {
      message = McpSchema.deserializeJsonRpcMessage(json, rc.body().asString());
    } catch (Exception e) {
      error(response, 400, McpSchema.ErrorCodes.PARSE_ERROR, "Not a JSON-RPC message");
      return;
    }
    if (message instanceof McpSchema.JSONRPCRequest request
      && McpSchema.METHOD_INITIALIZE.equals(request.method())) {
      initialize(response, request, context);
      return;
    }
    McpSessions.Entry entry = session(rc, context);
    if (entry == null) {
      return;
    }
    if (message instanceof McpSchema.JSONRPCRequest request) {
      McpSseStream stream = new McpSseStream((Context) context.get(CONTEXT), response, json).answering(request)
        .open();
      Disposable running = entry.session.responseStream(request, stream)
        .contextWrite(c -> c.put(McpTransportContext.KEY, context))
        .subscribe(v -> { }, e -> stream.close());
      response.closeHandler(v -> running.dispose());
    } else {
      (message instanceof McpSchema.JSONRPCNotification notification ? entry.session.accept(notification)
        : entry.session.accept((McpSchema.JSONRPCResponse) message))
        .contextWrite(c -> c.put(McpTransportContext.KEY, context))
        .onErrorComplete()
        .subscribe(v -> { }, e -> { }, () -> ((Context) context.get(CONTEXT))
          .runOnContext(x -> response.setStatusCode(202).end()));
    }
  }

  private void initialize(HttpServerResponse response, McpSchema.JSONRPCRequest request,
                          McpTransportContext context) {
    McpSchema.InitializeRequest params;
    try {
      params = json.convertValue(request.params(), new TypeRef<McpSchema.InitializeRequest>() { });
    } catch (RuntimeException e) {
      error(response, 400, McpSchema.ErrorCodes.INVALID_PARAMS, "Invalid initialize params");
      return;
    }
    McpStreamableServerSession.McpStreamableServerSessionInit init = sessions.start(params, owner(context));
    if (init == null) {
      response.putHeader("Retry-After", "1");
      error(response, 503, McpSchema.ErrorCodes.INTERNAL_ERROR, "Too many MCP sessions are open");
      return;
    }
    Context loop = (Context) context.get(CONTEXT);
    init.initResult().subscribe(result -> loop.runOnContext(v -> {
      try {
        response.putHeader(HttpHeaders.MCP_SESSION_ID, init.session().getId()).putHeader("Content-Type", JSON)
          .end(json.writeValueAsString(McpSchema.JSONRPCResponse.result(request.id(), result)));
      } catch (java.io.IOException e) {
        error(response, 500, McpSchema.ErrorCodes.INTERNAL_ERROR, "Cannot encode the initialize result");
      }
    }), e -> loop.runOnContext(v -> error(response, 500, McpSchema.ErrorCodes.INTERNAL_ERROR,
      "Initialization failed")));
  }

  private void listen(RoutingContext rc, McpTransportContext context) {
    String accept = rc.request().getHeader("Accept");
    if (accept == null || !accept.contains(EVENTS)) {
      error(rc.response(), 400, McpSchema.ErrorCodes.INVALID_REQUEST, "Accept must list text/event-stream");
      return;
    }
    McpSessions.Entry entry = session(rc, context);
    if (entry == null) {
      return;
    }
    McpSseStream stream = new McpSseStream((Context) context.get(CONTEXT), rc.response(), json).open();
    McpStreamableServerSession.McpStreamableServerSessionStream listening = entry.session.listeningStream(stream);
    entry.streams.incrementAndGet();
    rc.response().closeHandler(v -> {
      entry.streams.decrementAndGet();
      entry.lastUsedMs = System.currentTimeMillis();
      listening.close();
    });
  }

  private void delete(RoutingContext rc, McpTransportContext context) {
    if (session(rc, context) == null) {
      return;
    }
    sessions.delete(rc.request().getHeader(HttpHeaders.MCP_SESSION_ID)).onErrorComplete()
      .subscribe(v -> { }, e -> { }, () -> ((Context) context.get(CONTEXT))
        .runOnContext(x -> rc.response().setStatusCode(200).end()));
  }

  /** @return the request's session, or {@code null} after answering {@code 400} or {@code 404} */
  private McpSessions.Entry session(RoutingContext rc, McpTransportContext context) {
    String id = rc.request().getHeader(HttpHeaders.MCP_SESSION_ID);
    if (id == null || id.isBlank()) {
      error(rc.response(), 400, McpSchema.ErrorCodes.INVALID_REQUEST, "Mcp-Session-Id header required");
      return null;
    }
    McpSessions.Entry entry = sessions.find(id, owner(context));
    if (entry == null) {
      error(rc.response(), 404, McpSchema.ErrorCodes.INVALID_REQUEST, "Session not found: initialize again");
    }
    return entry;
  }

  private static void error(HttpServerResponse response, int status, int code, String message) {
    if (response.ended() || response.closed()) {
      return;
    }
    response.setStatusCode(status).putHeader("Content-Type", JSON).end(new JsonObject().put("jsonrpc", "2.0")
      .putNull("id").put("error", new JsonObject().put("code", code).put("message", message)).toBuffer());
  }
}
