package dev.genapi.launcher;

import dev.genapi.cluster.ClusterOptions;
import dev.genapi.config.ConfigOptions;
import dev.genapi.gateway.AuthOptions;
import dev.genapi.gateway.GatewayOptions;
import dev.genapi.gateway.McpOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Launcher settings")
class SettingsTest {

  @TempDir
  Path conf;

  @Test
  @DisplayName("a flag beats the environment, which beats the conf file")
  void precedence() throws IOException {
    Files.writeString(conf.resolve("gateway.json"), "{\"http_port\": 7000, \"detail_errors\": true}");
    Files.writeString(conf.resolve("cluster.json"), "{\"name\": \"from-file\", \"port\": 16000}");
    Settings settings = Settings.load(List.of("--conf", conf.toString(), "--http-port", "9000"),
      Map.of("GENAPI_HTTP_PORT", "8000", "GENAPI_CLUSTER_NAME", "from-env", "GENAPI_CLUSTER_MEMBERS", "10.0.0.1, 10.0.0.2"));
    assertThat(settings.gateway().getInteger("http_port")).isEqualTo(9000);
    assertThat(settings.gateway().getBoolean("detail_errors")).isTrue();
    assertThat(settings.cluster().getString("name")).isEqualTo("from-env");
    assertThat(settings.cluster().getInteger("port")).isEqualTo(16000);
    assertThat(settings.cluster().getJsonArray("members").getList()).containsExactly("10.0.0.1", "10.0.0.2");
  }

  @Test
  @DisplayName("the admin port and the event-bus port come from the file, the environment or a flag")
  void exposurePorts() throws IOException {
    Files.writeString(conf.resolve("cluster.json"), "{\"event_bus_port\": 15801}");
    Settings fromFile = Settings.load(List.of("--conf", conf.toString()), Map.of());
    assertThat(new ClusterOptions(fromFile.cluster()).getEventBusPort()).isEqualTo(15801);
    assertThat(new GatewayOptions(fromFile.gateway()).getAdminPort()).as("none by default").isNull();
    Settings settings = Settings.load(List.of("--conf", conf.toString(), "--event-bus-port", "15802"),
      Map.of("GENAPI_ADMIN_PORT", "8081", "GENAPI_CLUSTER_HOST", "10.1.2.3"));
    assertThat(new ClusterOptions(settings.cluster()).getEventBusPort()).isEqualTo(15802);
    assertThat(new ClusterOptions(settings.cluster()).getHost()).isEqualTo("10.1.2.3");
    assertThat(new GatewayOptions(settings.gateway()).getAdminPort()).isEqualTo(8081);
    assertThat(Settings.load(List.of("--admin-port", "9000"), Map.of()).gateway().getInteger("admin_port"))
      .isEqualTo(9000);
  }

  @Test
  @DisplayName("the event loops come from the file, the environment or a flag; Vert.x's twice the cores by default")
  void eventLoops() throws IOException {
    assertThat(new ClusterOptions(Settings.load(List.of(), Map.of()).cluster()).getEventLoops())
      .isEqualTo(2 * Runtime.getRuntime().availableProcessors());
    Files.writeString(conf.resolve("cluster.json"), "{\"event_loops\": 3}");
    assertThat(new ClusterOptions(Settings.load(List.of("--conf", conf.toString()), Map.of()).cluster())
      .getEventLoops()).isEqualTo(3);
    assertThat(new ClusterOptions(Settings.load(List.of("--conf", conf.toString()), Map.of("GENAPI_EVENT_LOOPS", "2"))
      .cluster()).getEventLoops()).isEqualTo(2);
    assertThat(new ClusterOptions(Settings.load(List.of("--event-loops", "1"), Map.of("GENAPI_EVENT_LOOPS", "2"))
      .cluster()).getEventLoops()).isEqualTo(1);
    assertThatThrownBy(() -> new ClusterOptions(Settings.load(List.of("--event-loops", "0"), Map.of()).cluster()))
      .hasMessage("eventLoops: 0 (expected: > 0)");
  }

  @Test
  @DisplayName("cluster.json sets the full-read interval of the cluster maps; below a second is refused")
  void resyncInterval() throws IOException {
    assertThat(new ClusterOptions(Settings.load(List.of(), Map.of()).cluster()).getResyncIntervalMs())
      .isEqualTo(30_000);
    Files.writeString(conf.resolve("cluster.json"), "{\"resync_interval_ms\": 5000}");
    assertThat(new ClusterOptions(Settings.load(List.of("--conf", conf.toString()), Map.of()).cluster())
      .getResyncIntervalMs()).isEqualTo(5000);
    Files.writeString(conf.resolve("cluster.json"), "{\"resync_interval_ms\": 10}");
    assertThatThrownBy(() -> new ClusterOptions(Settings.load(List.of("--conf", conf.toString()), Map.of()).cluster()))
      .hasMessage("resyncIntervalMs: 10 (expected: >= 1000)");
  }

  @Test
  @DisplayName("flags also take the --name=value form, and a missing conf folder means defaults")
  void equalsFormAndNoFiles() {
    Settings settings = Settings.load(List.of("--conf=" + conf.resolve("absent"), "--node-name=node-x"), Map.of());
    assertThat(settings.node().getString("name")).isEqualTo("node-x");
    assertThat(settings.gateway().isEmpty()).isTrue();
  }

  @Test
  @DisplayName("the JWT checks come from the file, the environment or flags; an audience list is comma-separated")
  void jwtChecks() throws IOException {
    Files.writeString(conf.resolve("gateway.json"), "{\"auth_mode\": \"jwt\", \"jwt_audience\": \"from-file\"}");
    AuthOptions fromFile = new AuthOptions(Settings.load(List.of("--conf", conf.toString()), Map.of()).gateway());
    assertThat(fromFile.getAudience()).containsExactly("from-file");
    assertThat(fromFile.isRequireExp()).isEqualTo(AuthOptions.DEFAULT_REQUIRE_EXP);
    assertThat(fromFile.getLeewayS()).isEqualTo(AuthOptions.DEFAULT_LEEWAY_S);
    assertThat(fromFile.getIssuer()).isNull();

    Settings settings = Settings.load(List.of("--conf", conf.toString(), "--jwt-leeway-s", "30"),
      Map.of("GENAPI_JWT_ISSUER", "https://issuer.example", "GENAPI_JWT_AUDIENCE", "genapi, admin",
        "GENAPI_JWT_REQUIRE_EXP", "false"));
    AuthOptions auth = new AuthOptions(settings.gateway());
    assertThat(auth.getIssuer()).isEqualTo("https://issuer.example");
    assertThat(auth.getAudience()).containsExactly("genapi", "admin");
    assertThat(auth.isRequireExp()).isFalse();
    assertThat(auth.getLeewayS()).isEqualTo(30);
  }

  @Test
  @DisplayName("the call-duration buckets come from the file, or from the environment or a flag as a comma-separated list")
  void latencyBuckets() throws IOException {
    Files.writeString(conf.resolve("gateway.json"), "{\"latency_buckets_ms\": [2, 20]}");
    assertThat(new GatewayOptions(Settings.load(List.of("--conf", conf.toString()), Map.of()).gateway()).getMetrics()
      .getLatencyBucketsMs()).containsExactly(2.0, 20.0);
    assertThat(new GatewayOptions(Settings.load(List.of("--conf", conf.toString()),
      Map.of("GENAPI_LATENCY_BUCKETS_MS", "0.5, 5, 50")).gateway()).getMetrics().getLatencyBucketsMs())
      .containsExactly(0.5, 5.0, 50.0);
    assertThat(new GatewayOptions(Settings.load(List.of("--latency-buckets-ms", "1,2"), Map.of()).gateway())
      .getMetrics().getLatencyBucketsMs()).containsExactly(1.0, 2.0);
  }

  @Test
  @DisplayName("the MCP session bounds come from the file, the environment or a flag, with their defaults otherwise")
  void mcpBounds() throws IOException {
    assertThat(new GatewayOptions(Settings.load(List.of("--conf", conf.resolve("absent").toString()), Map.of())
      .gateway()).getMcp().getMaxSessions())
      .isEqualTo(McpOptions.DEFAULT_MAX_SESSIONS);
    Files.writeString(conf.resolve("gateway.json"), "{\"mcp_max_sessions\": 5, \"mcp_session_idle_ms\": 3000}");
    McpOptions fromFile = new GatewayOptions(Settings.load(List.of("--conf", conf.toString()), Map.of()).gateway())
      .getMcp();
    assertThat(fromFile.getMaxSessions()).isEqualTo(5);
    assertThat(fromFile.getSessionIdleMs()).isEqualTo(3000);
    McpOptions overridden = new GatewayOptions(Settings.load(List.of("--conf", conf.toString(),
      "--mcp-session-idle-ms", "4000"), Map.of("GENAPI_MCP_MAX_SESSIONS", "7")).gateway()).getMcp();
    assertThat(overridden.getMaxSessions()).isEqualTo(7);
    assertThat(overridden.getSessionIdleMs()).isEqualTo(4000);
  }

  @Test
  @DisplayName("the clients' TLS certificate and key come from the environment, and a flag beats it")
  void clientTls() {
    GatewayOptions options = new GatewayOptions(Settings.load(List.of("--tls-key", "/flag/gateway.key"),
      Map.of("GENAPI_TLS_CERT", "/env/gateway.crt", "GENAPI_TLS_KEY", "/env/gateway.key")).gateway());
    assertThat(options.getTls().getCertPath()).isEqualTo("/env/gateway.crt");
    assertThat(options.getTls().getKeyPath()).isEqualTo("/flag/gateway.key");
    assertThat(options.getTls().isEnabled()).isTrue();
  }

  @Test
  @DisplayName("an unknown flag, a missing value, a non-number or non-boolean and a broken conf file are refused")
  void badInput() throws IOException {
    assertThatThrownBy(() -> Settings.load(List.of("--bogus", "1"), Map.of()))
      .hasMessage("unknown option --bogus");
    assertThatThrownBy(() -> Settings.load(List.of("--http-port"), Map.of()))
      .hasMessage("option --http-port needs a value");
    assertThatThrownBy(() -> Settings.load(List.of("--conf", conf.toString()), Map.of("GENAPI_HTTP_PORT", "eighty")))
      .hasMessageContaining("'eighty' is not a number");
    assertThatThrownBy(() -> Settings.load(List.of("--jwt-require-exp", "flase"), Map.of()))
      .hasMessageContaining("'flase' is not true or false");
    assertThatThrownBy(() -> new AuthOptions().setLeewayS(-1)).hasMessageContaining("expected: >= 0");
    Files.writeString(conf.resolve("node.json"), "{broken");
    assertThatThrownBy(() -> Settings.load(List.of("--conf", conf.toString()), Map.of()))
      .hasMessageContaining("node.json is not a JSON object");
  }

  @Test
  @DisplayName("a secret comes from its variable, a file its _FILE variable names, or the conf file, never a flag")
  void secrets() throws IOException {
    assertThatThrownBy(() -> Settings.load(List.of("--admin-token", "s3cret"), Map.of()))
      .hasMessage("--admin-token would show a secret to anyone who can list processes: set GENAPI_ADMIN_TOKEN, "
        + "GENAPI_ADMIN_TOKEN_FILE or admin_token in conf/gateway.json")
      .message().doesNotContain("s3cret");
    Path secret = Files.writeString(conf.resolve("jwt.secret"), "from-a-file\n");
    Settings fromFile = Settings.load(List.of("--conf", conf.toString()), Map.of("GENAPI_JWT_SECRET_FILE",
      secret.toString(), "GENAPI_PUSH_TOKEN", "from-env"));
    assertThat(fromFile.gateway().getString("jwt_secret")).isEqualTo("from-a-file");
    assertThat(fromFile.node().getString("push_token")).isEqualTo("from-env");
    assertThat(Settings.load(List.of(), Map.of("GENAPI_JWT_SECRET", "plain", "GENAPI_JWT_SECRET_FILE", "/nonexistent"))
      .gateway().getString("jwt_secret")).as("the variable itself wins").isEqualTo("plain");
    assertThatThrownBy(() -> Settings.load(List.of(), Map.of("GENAPI_PUSH_TOKEN_FILE", "/nonexistent/token")))
      .hasMessage("GENAPI_PUSH_TOKEN_FILE: cannot read /nonexistent/token");
    assertThat(Settings.usage()).doesNotContain("--admin-token", "--jwt-secret", "--push-token")
      .contains("GENAPI_ADMIN_TOKEN", "GENAPI_JWT_SECRET", "GENAPI_PUSH_TOKEN");
  }

  @Test
  @DisplayName("per-service push tokens come as service=token pairs from the variable or a mounted file")
  void pushTokens() throws IOException {
    Path tokens = Files.writeString(conf.resolve("push.tokens"), "catalog=c-secret\nbilling = b=secret==\n");
    JsonObject fromFile = Settings.load(List.of(), Map.of("GENAPI_PUSH_TOKENS_FILE", tokens.toString())).gateway()
      .getJsonObject("push_tokens");
    assertThat(fromFile).isEqualTo(new JsonObject().put("catalog", "c-secret").put("billing", "b=secret=="));
    assertThat(new ConfigOptions(new JsonObject().put("push_token", "shared").put("push_tokens", fromFile)))
      .satisfies(options -> {
        assertThat(options.pushTokenFor("catalog")).isEqualTo("c-secret");
        assertThat(options.pushTokenFor("other")).isEqualTo("shared");
      });
    assertThat(Settings.load(List.of(), Map.of("GENAPI_PUSH_TOKENS", "a=1,b=2")).gateway().getJsonObject("push_tokens"))
      .isEqualTo(new JsonObject().put("a", "1").put("b", "2"));
    assertThatThrownBy(() -> Settings.load(List.of(), Map.of("GENAPI_PUSH_TOKENS", "a-secret-without-service")))
      .hasMessage("GENAPI_PUSH_TOKENS: expected service=token pairs separated by commas")
      .message().doesNotContain("a-secret");
    assertThatThrownBy(() -> Settings.load(List.of("--push-tokens", "a=1"), Map.of()))
      .hasMessageStartingWith("--push-tokens would show a secret");
  }
}
