package dev.genapi.it;

import dev.genapi.gateway.AuthOptions;
import dev.genapi.gateway.GatewayOptions;
import dev.genapi.ratelimit.RateLimit;
import dev.genapi.testing.DemoCluster;
import dev.genapi.testing.Eventually;
import dev.genapi.testing.Http;
import dev.genapi.testing.Jwts;
import dev.genapi.testing.NodeClients;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /mcp} of a gateway serving the demo, driven by the MCP Java SDK's client over Streamable HTTP (and by the
 * npm {@code @modelcontextprotocol/sdk} client under Node): the demo functions as tools with their schemas, calls
 * through the pipeline (identity, permission, rate limit, streams, errors with their GenApi code), the tool list
 * following the registry, and the admin tools behind the admin token.
 */
@DisplayName("MCP: the demo functions as tools, called through the pipeline")
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
@ExtendWith(VertxExtension.class)
class McpClusterTest {

  private static final String ADMIN = "mcp-admin-token";

  private static DemoCluster cluster;
  private static Http http;

  @BeforeAll
  static void start(VertxTestContext test) {
    DemoCluster.open(new GatewayOptions().setAdminToken(ADMIN).setAuth(new AuthOptions()
        .setMode(AuthOptions.MODE_JWT).setJwtSecret(Jwts.SECRET).setRequireVerifiedUserId(false)))
      .compose(started -> {
        cluster = started;
        http = new Http(cluster.clients(), cluster.port());
        return cluster.gateway().addRateLimit(RateLimit.fromJson(new JsonObject().put("service", "demo")
          .put("request_type", "slow").put("key", "ip_address").put("max_requests", 2).put("window_ms", 60_000)));
      })
      // the tools follow the registry within SYNC_MS: the tests call them without listing them first
      .compose(limited -> Eventually.until(cluster.clients(), () -> connect(null, tools -> { })
          .compose(client -> call(client.listTools()).eventually(() -> close(client))),
        listed -> byName(listed.tools()).containsKey("demo.whoami"), 10_000))
      .onComplete(test.succeedingThenComplete());
  }

  @AfterAll
  static void stop(VertxTestContext test) {
    http.shutdown().eventually(cluster::shutdown).onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("tools/list has every demo function with its args schema and description; two versions are named apart")
  void listsTools(VertxTestContext test) {
    connect(null, tools -> { }).compose(client -> call(client.listTools()).eventually(() -> close(client)))
      .map(listed -> {
        Map<String, McpSchema.Tool> tools = byName(listed.tools());
        assertThat(tools).containsKeys("demo.echo", "demo.add", "demo.count", "demo.fail", "demo.whoami",
          "demo.get_user.v1_0_0", "demo.get_user.v2_0_0").doesNotContainKey("demo.get_user");
        McpSchema.Tool echo = tools.get("demo.echo");
        assertThat(echo.description()).isEqualTo("Answers its arguments as they came.");
        assertThat(new JsonObject(echo.inputSchema())).isEqualTo(new JsonObject().put("type", "object")
          .put("properties", new JsonObject().put("message", new JsonObject().put("type", "string")
            .put("x-genapi-max-bytes", 3000)))
          .put("required", new JsonArray().add("message")).put("additionalProperties", false));
        assertThat(tools.keySet()).as("admin tools are for the admin").noneMatch(n -> n.startsWith("genapi.admin."));
        return tools;
      }).onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("sync, stream and none functions answer as tool results; a failure and a bad argument are tool errors")
  void calls(VertxTestContext test) {
    connect(null, tools -> { }).compose(client -> Future.all(List.of(
        call(client.callTool(request("demo.echo", Map.of("message", "hi")))),
        call(client.callTool(request("demo.add", Map.of("a", 2, "b", 3)))),
        call(client.callTool(request("demo.count", Map.of("n", 3)))),
        call(client.callTool(request("demo.fail", Map.of()))),
        call(client.callTool(request("demo.echo", Map.of("message", "hi", "extra", 1)))),
        call(client.callTool(request("demo.notify", Map.of("message", "quiet"))))))
      .eventually(() -> close(client)))
      .map(all -> {
        McpSchema.CallToolResult echo = all.resultAt(0);
        assertThat(echo.isError()).isNotEqualTo(Boolean.TRUE);
        assertThat(echo.structuredContent()).isEqualTo(Map.of("message", "hi"));
        assertThat(texts(all.resultAt(1))).containsExactly("5");
        McpSchema.CallToolResult count = all.resultAt(2);
        assertThat(texts(count)).containsExactly("1", "2", "3");
        assertThat(count.structuredContent()).isEqualTo(Map.of("chunks", List.of(1, 2, 3)));
        assertThat(code(all.resultAt(3))).isEqualTo("INTERNAL");
        assertThat(code(all.resultAt(4))).isEqualTo("INVALID_ARGUMENT");
        assertThat(texts(all.resultAt(4)).get(0)).startsWith("INVALID_ARGUMENT: ").contains("extra");
        McpSchema.CallToolResult none = all.resultAt(5);
        assertThat(none.isError()).isNotEqualTo(Boolean.TRUE);
        assertThat(none.content()).isEmpty();
        return all;
      }).onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("the bearer JWT is the caller's identity: a permission needing one refuses without it, passes with it")
  void identity(VertxTestContext test) {
    String alice = Jwts.token(cluster.clients(), Jwts.SECRET, "alice", new JsonArray(), 300);
    Future.all(connect(null, tools -> { }), connect(alice, tools -> { })).compose(both -> {
      McpAsyncClient anonymous = both.resultAt(0);
      McpAsyncClient signed = both.resultAt(1);
      return Future.all(List.of(
          call(anonymous.callTool(request("demo.whoami", Map.of()))),
          call(signed.callTool(request("demo.whoami", Map.of()))),
          call(signed.callTool(request("demo.get_profile", Map.of("user_id", "bob")))),
          call(signed.callTool(request("demo.get_profile", Map.of("user_id", "alice"))))))
        .eventually(() -> close(anonymous).eventually(() -> close(signed)));
    }).map(all -> {
      assertThat(code(all.resultAt(0))).isEqualTo("PERMISSION_DENIED");
      McpSchema.CallToolResult whoami = all.resultAt(1);
      assertThat(((Map<?, ?>) whoami.structuredContent()).get("user_id")).isEqualTo("alice");
      assertThat(code(all.resultAt(2))).isEqualTo("PERMISSION_DENIED");
      return assertThat(((McpSchema.CallToolResult) all.resultAt(3)).structuredContent())
        .isEqualTo(Map.of("user_id", "alice"));
    }).onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("a rate-limited call is a tool error RATE_LIMITED with retry_after_ms")
  void rateLimited(VertxTestContext test) {
    connect(null, tools -> { }).compose(client -> call(client.callTool(request("demo.slow", Map.of("ms", 1))))
        .compose(v -> call(client.callTool(request("demo.slow", Map.of("ms", 1)))))
        .compose(v -> call(client.callTool(request("demo.slow", Map.of("ms", 1)))))
        .eventually(() -> close(client)))
      .map(third -> {
        assertThat(code(third)).isEqualTo("RATE_LIMITED");
        return assertThat(((Number) ((Map<?, ?>) third.structuredContent()).get("retry_after_ms")).longValue())
          .isPositive();
      }).onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("the tool list follows the registry: a pushed function comes, a disabled one goes, with list_changed")
  void listChanged(VertxTestContext test) {
    List<List<String>> seen = new CopyOnWriteArrayList<>();
    JsonObject push = new JsonObject().put("service", "extra").put("config_version", "1")
      .put("nodes", new JsonArray().add("nowhere")).put("fun_configs", new JsonArray().add(new JsonObject()
        .put("service", "extra").put("request_type", "hello").put("nodes", new JsonArray().add("nowhere"))));
    connect(null, tools -> seen.add(tools.stream().map(McpSchema.Tool::name).toList())).compose(client ->
        http.exchange(HttpMethod.POST, "/admin/push", ADMIN, push.encode())
          .compose(pushed -> until(() -> seen.stream().anyMatch(names -> names.contains("extra.hello"))))
          .compose(v -> http.exchange(HttpMethod.POST, "/admin/functions/demo/notify/0.0.0/disable", ADMIN, null))
          .compose(disabled -> until(() -> !seen.isEmpty() && !seen.get(seen.size() - 1).contains("demo.notify")))
          .compose(v -> call(client.listTools()))
          .eventually(() -> http.exchange(HttpMethod.POST, "/admin/functions/demo/notify/0.0.0/enable", ADMIN, null))
          .eventually(() -> close(client)))
      .map(listed -> assertThat(byName(listed.tools())).containsKey("extra.hello").doesNotContainKey("demo.notify"))
      .onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("the admin tools are hidden and refused without the admin token, listed and working with it")
  void adminTools(VertxTestContext test) {
    Future.all(connect(null, tools -> { }), connect(ADMIN, tools -> { })).compose(both -> {
      McpAsyncClient anonymous = both.resultAt(0);
      McpAsyncClient admin = both.resultAt(1);
      return Future.all(List.of(call(anonymous.callTool(request("genapi.admin.nodes", Map.of()))),
          call(admin.listTools()), call(admin.callTool(request("genapi.admin.nodes", Map.of()))),
          call(admin.callTool(request("genapi.admin.explain", Map.of("service", "demo", "request_type", "echo"))))))
        .eventually(() -> close(anonymous).eventually(() -> close(admin)));
    }).map(all -> {
      assertThat(code(all.resultAt(0))).isEqualTo("UNAUTHENTICATED");
      assertThat(byName(((McpSchema.ListToolsResult) all.resultAt(1)).tools()))
        .containsKeys("genapi.admin.explain", "genapi.admin.failed_configs", "genapi.admin.nodes", "demo.echo");
      assertThat(texts(all.resultAt(2)).get(0)).contains("demo-node");
      return assertThat(texts(all.resultAt(3)).get(0)).contains("\"chosen\":\"demo-node\"");
    }).onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("the npm @modelcontextprotocol/sdk client connects with a JWT, lists the tools and calls them")
  void npmClient(VertxTestContext test) {
    String carol = Jwts.token(cluster.clients(), Jwts.SECRET, "carol", new JsonArray(), 300);
    cluster.clients().executeBlocking(() -> NodeClients.run("mcp-client.js",
        "http://127.0.0.1:" + cluster.port() + "/mcp", carol))
      .map(seen -> {
        assertThat(seen.getJsonArray("tools").getList()).contains("demo.echo", "demo.add", "demo.count");
        assertThat(seen.getJsonObject("add").getBoolean("isError", false)).isFalse();
        assertThat(seen.getJsonObject("add").getJsonArray("content").getJsonObject(0).getString("text"))
          .isEqualTo("5");
        assertThat(seen.getJsonObject("whoami").getJsonObject("structuredContent").getString("user_id"))
          .isEqualTo("carol");
        return assertThat(seen.getJsonObject("fail").getJsonObject("structuredContent").getString("code"))
          .isEqualTo("INTERNAL");
      }).onComplete(test.succeedingThenComplete());
  }

  private static Future<McpAsyncClient> connect(String bearer, Consumer<List<McpSchema.Tool>> changes) {
    HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport
      .builder("http://127.0.0.1:" + cluster.port()).endpoint("/mcp")
      .httpRequestCustomizer((builder, method, uri, body, context) -> {
        if (bearer != null) {
          builder.header("Authorization", "Bearer " + bearer);
        }
      }).build();
    McpAsyncClient client = McpClient.async(transport).requestTimeout(Duration.ofSeconds(20))
      .toolsChangeConsumer(tools -> Mono.fromRunnable(() -> changes.accept(tools))).build();
    return call(client.initialize()).map(client);
  }

  private static <T> Future<T> call(Mono<T> mono) {
    return Future.fromCompletionStage(mono.toFuture());
  }

  private static Future<Void> close(McpAsyncClient client) {
    return call(client.closeGracefully());
  }

  private static Future<Void> until(BooleanSupplier condition) {
    return Eventually.poll(cluster.clients(), condition, 10_000, () -> "the tools never changed");
  }

  private static McpSchema.CallToolRequest request(String name, Map<String, Object> args) {
    return new McpSchema.CallToolRequest(name, args);
  }

  private static Map<String, McpSchema.Tool> byName(List<McpSchema.Tool> tools) {
    return tools.stream().collect(Collectors.toMap(McpSchema.Tool::name, t -> t));
  }

  private static List<String> texts(McpSchema.CallToolResult result) {
    return result.content().stream().map(c -> ((McpSchema.TextContent) c).text()).toList();
  }

  private static String code(McpSchema.CallToolResult result) {
    assertThat(result.isError()).as("an error result: " + result).isTrue();
    return (String) ((Map<?, ?>) result.structuredContent()).get("code");
  }
}
