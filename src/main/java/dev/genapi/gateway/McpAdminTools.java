package dev.genapi.gateway;

import dev.genapi.api.ErrorCode;
import dev.genapi.protocol.Request;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.function.Function;

/**
 * The gateway's own tools, for operators, listed and run only for a caller that presents the admin token (and only
 * when one is configured): {@code genapi.admin.explain} (the admin API's {@code GET /admin/explain}),
 * {@code genapi.admin.failed_configs} ({@code GET /admin/failed-configs}) and {@code genapi.admin.nodes}
 * ({@code GET /admin/nodes}).
 */
final class McpAdminTools {

  private static final String NO_ARGS = "{\"type\":\"object\",\"additionalProperties\":false}";
  private static final String EXPLAIN_ARGS = "{\"type\":\"object\",\"properties\":{"
    + "\"service\":{\"type\":\"string\",\"minLength\":1},\"request_type\":{\"type\":\"string\",\"minLength\":1},"
    + "\"version\":{\"type\":\"string\"},\"user_id\":{\"type\":\"string\"},"
    + "\"roles\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},\"args\":{\"type\":\"object\"}},"
    + "\"required\":[\"service\",\"request_type\"],\"additionalProperties\":false}";

  private McpAdminTools() {
  }

  /** @return whether the caller presented the admin token */
  static boolean admin(McpTransportContext caller) {
    return Boolean.TRUE.equals(caller.get(McpTransport.ADMIN));
  }

  /** @return the admin tools of that gateway */
  static List<McpServerFeatures.AsyncToolSpecification> of(Gateway gateway, McpJsonMapper json, McpResults results) {
    return List.of(
      tool(json, results, "explain", "Explains a call without running it: the FunConfig that serves it, its permission "
        + "and whether this caller passes, the rate limits and their state, the live nodes and the one chosen.",
        EXPLAIN_ARGS, args -> Future.succeededFuture(gateway.explain(explainRequest(args)))),
      tool(json, results, "failed_configs", "The FunConfigs the gateway rejected in the last 24 hours, with reasons, "
        + "source and time.", NO_ARGS, args -> gateway.configService().failedConfigs().map(Object.class::cast)),
      tool(json, results, "nodes", "The live service nodes, the services each serves and the age of its lease.",
        NO_ARGS, args -> Future.succeededFuture(gateway.nodes().snapshot())));
  }

  private static McpServerFeatures.AsyncToolSpecification tool(McpJsonMapper json, McpResults results, String name,
      String description, String schema, Function<JsonObject, Future<Object>> run) {
    McpSchema.Tool tool = McpSchema.Tool.builder().name(McpTools.ADMIN_PREFIX + name).description(description)
      .inputSchema(json, schema).build();
    return McpTools.tool(tool, (caller, args) -> {
      if (!admin(caller)) {
        return Mono.just(results.error(ErrorCode.UNAUTHENTICATED, "The admin token is required", -1));
      }
      Context loop = (Context) caller.get(McpTransport.CONTEXT);
      return Mono.create(sink -> loop.runOnContext(v -> {
        try {
          run.apply(results.toJson(args)).onSuccess(value -> sink.success(results.value(value)))
            .onFailure(e -> sink.success(results.error(ErrorCode.INTERNAL, String.valueOf(e.getMessage()), -1)));
        } catch (RuntimeException e) {
          sink.success(results.error(ErrorCode.INVALID_ARGUMENT, String.valueOf(e.getMessage()), -1));
        }
      }));
    });
  }

  private static Request explainRequest(JsonObject args) {
    JsonArray roles = args.getJsonArray("roles", new JsonArray());
    List<String> userRoles = roles.stream().map(String::valueOf).toList();
    return new Request("explain", args.getString("service"), args.getString("request_type"), args.getString("version"),
      args.getJsonObject("args", new JsonObject()), args.getString("user_id"), null, userRoles, null, null);
  }

  /** @return whether the tool is shown to that caller: the admin tools to the admin only */
  static Mono<Boolean> visible(McpTransportContext caller, McpSchema.Tool tool) {
    return Mono.just(!tool.name().startsWith(McpTools.ADMIN_PREFIX) || admin(caller));
  }
}
