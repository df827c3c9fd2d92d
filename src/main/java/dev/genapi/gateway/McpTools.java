package dev.genapi.gateway;

import dev.genapi.api.FunConfig;
import dev.genapi.config.FunctionRegistry;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpAsyncServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.stream.Collectors;

/**
 * Every function a call can reach (enabled, and served) as an MCP tool, kept in line with the registry: a change adds
 * or removes tools, and the SDK tells every session ({@code notifications/tools/list_changed}). A tool's name is
 * {@code <service>.<request_type>}, with {@code .v<version>} appended while more than one version of that function
 * is enabled, each part with every character outside {@code [A-Za-z0-9_-]} replaced by {@code _} (so
 * {@code demo.get_user.v1_0_0}); a function whose name would pass 128 characters, start with {@value #ADMIN_PREFIX},
 * or equal a name taken by a function earlier in key order, is not a tool. Its input schema is the function's
 * {@link FunConfig#argsSchema()}, its description the FunConfig's {@code description}. Used on one event loop.
 */
final class McpTools {

  /** The prefix of the gateway's own admin tools. */
  static final String ADMIN_PREFIX = "genapi.admin.";
  private static final int MAX_NAME = 128;
  private static final Logger LOG = LoggerFactory.getLogger(McpTools.class);

  private final FunctionRegistry registry;
  private final McpAsyncServer server;
  private final McpToolCall calls;
  private final McpJsonMapper json;
  private final Map<String, JsonObject> current = new HashMap<>();
  private long seen = -1;

  McpTools(FunctionRegistry registry, McpAsyncServer server, McpToolCall calls, McpJsonMapper json) {
    this.registry = registry;
    this.server = server;
    this.calls = calls;
    this.json = json;
  }

  /**
   * @param functions the functions a call can reach
   * @return their tool names, each with its function
   */
  static Map<String, FunConfig> named(List<FunConfig> functions) {
    Map<String, Long> versions = functions.stream()
      .collect(Collectors.groupingBy(f -> f.service() + '/' + f.requestType(), Collectors.counting()));
    Map<String, FunConfig> named = new TreeMap<>();
    functions.stream().sorted(Comparator.comparing(FunConfig::key)).forEach(f -> {
      String name = part(f.service()) + '.' + part(f.requestType())
        + (versions.get(f.service() + '/' + f.requestType()) > 1 ? ".v" + part(f.version()) : "");
      if (name.length() <= MAX_NAME && !name.startsWith(ADMIN_PREFIX)) {
        named.putIfAbsent(name, f);
      }
    });
    return named;
  }

  private static String part(String name) {
    return name.replaceAll("[^A-Za-z0-9_-]", "_");
  }

  /** Brings the server's tools in line with the registry, if it changed since the last time. */
  Mono<Void> sync() {
    long changes = registry.changes();
    if (changes == seen) {
      return Mono.empty();
    }
    seen = changes;
    Map<String, FunConfig> wanted = named(registry.listed());
    List<Mono<Void>> steps = new ArrayList<>();
    for (String name : List.copyOf(current.keySet())) {
      if (!wanted.containsKey(name)) {
        current.remove(name);
        steps.add(server.removeTool(name).onErrorComplete());
      }
    }
    wanted.forEach((name, function) -> {
      JsonObject config = function.toJson();
      if (!config.equals(current.get(name))) {
        current.put(name, config);
        steps.add(server.addTool(spec(name, function)).onErrorResume(e -> {
          LOG.warn("function {} is not an MCP tool: {}", function.key(), e.getMessage());
          return Mono.empty();
        }));
      }
    });
    return Flux.concat(steps).then();
  }

  private McpServerFeatures.AsyncToolSpecification spec(String name, FunConfig function) {
    String description = function.description() != null ? function.description()
      : "Calls " + function.key() + " (" + function.responseType().jsonName() + ")";
    McpSchema.Tool tool = McpSchema.Tool.builder().name(name).title(function.key()).description(description)
      .inputSchema(json, function.argsSchema().encode()).build();
    return tool(tool, (caller, args) -> calls.run(function, caller, args));
  }

  /** @return a tool whose calls run the handler with the caller's transport context and the arguments */
  static McpServerFeatures.AsyncToolSpecification tool(McpSchema.Tool tool,
      BiFunction<McpTransportContext, Map<String, Object>, Mono<McpSchema.CallToolResult>> handler) {
    return McpServerFeatures.AsyncToolSpecification.builder().tool(tool)
      .callHandler((exchange, request) -> handler.apply(exchange.transportContext(), request.arguments()))
      .build();
  }
}
