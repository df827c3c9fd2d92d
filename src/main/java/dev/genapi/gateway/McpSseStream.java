package dev.genapi.gateway;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpStreamableServerTransport;
import io.vertx.core.Context;
import io.vertx.core.http.HttpServerResponse;
import reactor.core.publisher.Mono;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One MCP event stream on an HTTP response ({@code text/event-stream}): the answer to one request, or the session's
 * stream of server messages ({@code GET /mcp}). Each message is one {@code event: message} whose {@code data} is the
 * JSON-RPC message on one line. Writes run on the response's event loop, whatever thread the SDK sends from. The
 * stream of a request that ends without its response (the SDK fails it when the params do not fit the method, as
 * {@code "arguments": 5} does) ends with an {@code INVALID_PARAMS} error instead, so the client is never left waiting.
 */
final class McpSseStream implements McpStreamableServerTransport {

  private final Context context;
  private final HttpServerResponse response;
  private final McpJsonMapper json;
  private McpSchema.JSONRPCRequest request;
  private boolean answered;

  McpSseStream(Context context, HttpServerResponse response, McpJsonMapper json) {
    this.context = context;
    this.response = response;
    this.json = json;
  }

  /** Makes this the stream of that request's response. */
  McpSseStream answering(McpSchema.JSONRPCRequest request) {
    this.request = request;
    return this;
  }

  /**
   * Sets the head of the stream: {@code 200}, {@code text/event-stream}, no caching; the session's stream sends it
   * now, a request's stream with its first event (a tool call's head, event and end then leave in one write).
   */
  McpSseStream open() {
    response.setChunked(true).putHeader("Content-Type", "text/event-stream")
      .putHeader("Cache-Control", "no-cache");
    if (request == null) {
      response.writeHead();
    }
    return this;
  }

  @Override
  public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
    return sendMessage(message, null);
  }

  @Override
  public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message, String messageId) {
    String event;
    try {
      event = event(message, messageId);
    } catch (IOException e) {
      return Mono.error(new UncheckedIOException(e));
    }
    // the response to the stream's request is its last event: the stream ends with it
    boolean last = request != null && message instanceof McpSchema.JSONRPCResponse;
    return Mono.create(sink -> context.runOnContext(v -> {
      if (this.response.ended() || this.response.closed()) {
        sink.success();
      } else if (last) {
        answered = true;
        this.response.end(event).onComplete(r -> sink.success());
      } else {
        this.response.write(event).onComplete(r -> sink.success());
      }
    }));
  }

  private String event(McpSchema.JSONRPCMessage message, String messageId) throws IOException {
    return (messageId == null ? "" : "id: " + messageId + "\n") + "event: message\ndata: "
      + json.writeValueAsString(message) + "\n\n";
  }

  @Override
  public <T> T unmarshalFrom(Object data, TypeRef<T> type) {
    return json.convertValue(data, type);
  }

  @Override
  public Mono<Void> closeGracefully() {
    return Mono.fromRunnable(this::close);
  }

  @Override
  public void close() {
    context.runOnContext(v -> {
      if (response.ended() || response.closed()) {
        return;
      }
      if (request != null && !answered) {
        try {
          response.write(event(McpSchema.JSONRPCResponse.error(request.id(), new McpSchema.JSONRPCResponse.JSONRPCError(
            McpSchema.ErrorCodes.INVALID_PARAMS, "Invalid params for " + request.method())), null));
        } catch (IOException e) {
          // nothing more can be said: the stream ends
        }
      }
      response.end();
    });
  }
}
