package dev.genapi.it;

import dev.genapi.testing.Http;
import dev.genapi.testing.JvmProcess;
import dev.genapi.testing.TestCluster;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code admin_port}, as the launcher runs it: an {@code all-in-one} JVM whose admin API, {@code /metrics} and health
 * endpoints answer on the admin port only, while the client port serves clients and answers {@code 404} for them.
 */
@DisplayName("The admin port")
class AdminPortJvmTest {

  private static final String TOKEN = "admin-" + UUID.randomUUID();
  private static final List<String> OPERATOR_PATHS = List.of("/admin/functions", "/metrics", "/health/ready",
    "/health/live");

  private static Vertx client;
  private static JvmProcess process;
  private static Http clientPort;
  private static Http adminPort;

  @BeforeAll
  static void launch() {
    int httpPort = TestCluster.freePort();
    int admin = TestCluster.freePort();
    client = Vertx.vertx();
    process = JvmProcess.launch(Map.of("GENAPI_ADMIN_TOKEN", TOKEN), "all-in-one",
      "--http-port", Integer.toString(httpPort), "--admin-port", Integer.toString(admin),
      "--cluster-name", "genapi-admin-port-" + UUID.randomUUID(),
      "--cluster-port", Integer.toString(TestCluster.newCluster().getPort()));
    process.awaitLine("GenApi gateway ready on http://127.0.0.1:" + httpPort, 60_000);
    process.awaitLine("GenApi admin API, metrics and health on http://127.0.0.1:" + admin, 5_000);
    clientPort = new Http(client, httpPort);
    adminPort = new Http(client, admin);
  }

  @AfterAll
  static void stop() {
    if (process != null) {
      process.kill();
    }
    TestCluster.close(client);
  }

  @Test
  @DisplayName("the admin API answers on the admin port with the token, 401 without; the client port answers 404")
  void adminApi() {
    Http.Reply functions = adminPort.get("/admin/functions", TOKEN);
    assertThat(functions.status()).isEqualTo(200);
    assertThat(functions.json().getJsonObject("demo").fieldNames()).contains("echo", "count");
    assertThat(adminPort.get("/admin/functions", null).status()).isEqualTo(401);
    assertThat(clientPort.get("/admin/functions", TOKEN).status()).isEqualTo(404);
    assertThat(clientPort.get("/admin/nodes", TOKEN).status()).isEqualTo(404);
  }

  @Test
  @DisplayName("/metrics and the health endpoints answer on the admin port only")
  void metricsAndHealth() {
    Http.Reply metrics = adminPort.get("/metrics", null);
    assertThat(metrics.status()).isEqualTo(200);
    assertThat(metrics.raw().toString()).contains("genapi_registry_functions").contains("vertx_http_server");
    assertThat(adminPort.get("/health/ready", null).json().getString("status")).isEqualTo("UP");
    assertThat(adminPort.get("/health/live", null).status()).isEqualTo(200);
    for (String path : OPERATOR_PATHS) {
      assertThat(clientPort.get(path, TOKEN).status()).as("client port " + path).isEqualTo(404);
    }
  }

  @Test
  @DisplayName("the client port still serves clients, and the admin port serves none of the client routes")
  void clientRoutesApart() {
    Http.Reply call = clientPort.send(HttpMethod.POST, "/api/call", null,
      "{\"request_id\":\"a1\",\"service\":\"demo\",\"request_type\":\"echo\",\"args\":{\"message\":\"hi\"}}");
    assertThat(call.status()).isEqualTo(200);
    assertThat(call.json().getJsonObject("result").getString("message")).isEqualTo("hi");
    assertThat(clientPort.get("/api/functions", null).status()).isEqualTo(200);
    for (String path : List.of("/api/functions", "/ws", "/", "/sockjs/info")) {
      assertThat(adminPort.get(path, null).status()).as("admin port " + path).isEqualTo(404);
    }
  }

  @Test
  @DisplayName("an admin port equal to the client port is refused at start")
  void samePortRefused() {
    int port = TestCluster.freePort();
    JvmProcess gateway = JvmProcess.launch("gateway", "--http-port", Integer.toString(port),
      "--admin-port", Integer.toString(port), "--cluster-name", "genapi-admin-same-" + UUID.randomUUID(),
      "--cluster-port", Integer.toString(TestCluster.newCluster().getPort()));
    try {
      gateway.awaitLine("admin_port: " + port + " (expected: another port than http_port)", 60_000);
    } finally {
      gateway.kill();
    }
  }
}
