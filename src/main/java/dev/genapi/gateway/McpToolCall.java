package dev.genapi.gateway;

import dev.genapi.api.ErrorCode;
import dev.genapi.api.FunConfig;
import dev.genapi.api.GenApiException;
import dev.genapi.api.ResponseType;
import dev.genapi.protocol.Request;
import dev.genapi.protocol.Response;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs one {@code tools/call} through the same pipeline as {@code POST /api/call}, on the event loop the MCP request
 * arrived on: the caller's identity, permission, rate limits, argument checks and node choice apply as to any call. A
 * stream's chunks are collected, at most {@code max_payload_bytes} of them, into one result; a client that goes away
 * abandons the call.
 */
final class McpToolCall {

  private static final AtomicLong IDS = new AtomicLong();

  private final Vertx vertx;
  private final Gateway gateway;
  private final GatewayOptions options;
  private final McpResults results;

  McpToolCall(Vertx vertx, Gateway gateway, GatewayOptions options, McpResults results) {
    this.vertx = vertx;
    this.gateway = gateway;
    this.options = options;
    this.results = results;
  }

  /** @return the tool's result: the function's answer, or an error result naming the GenApi code */
  Mono<McpSchema.CallToolResult> run(FunConfig function, McpTransportContext caller, Map<String, Object> args) {
    Context loop = (Context) caller.get(McpTransport.CONTEXT);
    return Mono.create(sink -> loop.runOnContext(v -> start(function, caller, args, sink)));
  }

  private void start(FunConfig function, McpTransportContext caller, Map<String, Object> args,
                     MonoSink<McpSchema.CallToolResult> sink) {
    ConnectionFlow flow = gateway.opener().flow(ClientLink.unpausable(text -> Future.succeededFuture(),
      (code, reason) -> { }));
    SessionCalls calls = gateway.opener().calls(flow, 1, (Identity) caller.get(McpTransport.IDENTITY));
    Collector collector = new Collector(function.responseType() == ResponseType.STREAM, calls, sink);
    Context loop = vertx.getOrCreateContext();
    sink.onCancel(() -> loop.runOnContext(x -> calls.abandonAll()));
    try {
      Buffer frame = new JsonObject().put("request_id", "mcp-" + IDS.incrementAndGet())
        .put("service", function.service()).put("request_type", function.requestType())
        .put("version", function.version()).put("args", results.toJson(args)).toBuffer();
      JsonObject call = Request.parseFrame(frame, options.getMaxPayloadBytes());
      calls.start(Request.fromJson(call, frame, (String) caller.get(McpTransport.IP)), collector::send);
    } catch (GenApiException e) {
      sink.success(results.error(e.code(), e.getMessage(), e.retryAfterMs()));
    } catch (RuntimeException e) {
      sink.success(results.error(ErrorCode.INVALID_ARGUMENT, "args must be a JSON object", -1));
    }
  }

  /** The frames of one call, turned into one tool result. */
  private final class Collector {
    private final boolean stream;
    private final SessionCalls calls;
    private final MonoSink<McpSchema.CallToolResult> sink;
    private final McpResults.Chunks chunks;
    private boolean first = true;
    private boolean done;

    Collector(boolean stream, SessionCalls calls, MonoSink<McpSchema.CallToolResult> sink) {
      this.stream = stream;
      this.calls = calls;
      this.sink = sink;
      this.chunks = results.chunks(options.getMaxPayloadBytes());
    }

    void send(Response frame, boolean last) {
      if (done) {
        return;
      }
      boolean init = first && stream && frame != null && frame.hasMore();
      first = false;
      if (!last) {
        if (stream && !init && !chunks.add(frame.result())) {
          done = true;
          calls.abandonAll();
          sink.success(results.error(ErrorCode.OVERLOADED, "The stream's chunks exceed "
            + options.getMaxPayloadBytes() + " bytes", -1));
        }
        return;
      }
      done = true;
      if (frame == null) {
        sink.success(results.empty());
      } else if (!frame.success()) {
        sink.success(results.error(frame.code(), frame.error(), frame.retryAfterMs()));
      } else if (stream) {
        if (!McpResults.isNull(frame.result())) {
          chunks.add(frame.result());
        }
        sink.success(chunks.result());
      } else {
        sink.success(results.value(frame.result()));
      }
    }
  }
}
