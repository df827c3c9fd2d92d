package dev.genapi.it;

import dev.genapi.testing.Http;
import dev.genapi.testing.JvmProcess;
import dev.genapi.testing.TestCluster;
import dev.genapi.testing.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static dev.genapi.testing.WsClient.call;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code all-in-one} role, as the README runs it: one JVM, ready within a minute, serving the demo catalogue to a
 * real WebSocket client.
 */
@DisplayName("The all-in-one launcher")
class AllInOneJvmTest {

  private static Vertx client;
  private static JvmProcess process;
  private static int httpPort;
  private WsClient ws;

  @BeforeAll
  static void launch() {
    httpPort = TestCluster.freePort();
    client = Vertx.vertx();
    process = JvmProcess.launch("all-in-one", "--http-port", Integer.toString(httpPort),
      "--cluster-name", "genapi-aio-" + UUID.randomUUID(),
      "--cluster-port", Integer.toString(TestCluster.newCluster().getPort()));
    process.awaitLine("GenApi gateway ready on http://127.0.0.1:" + httpPort, 60_000);
  }

  @AfterAll
  static void stop() {
    if (process != null) {
      process.kill();
    }
    TestCluster.close(client);
  }

  @BeforeEach
  void connect() {
    ws = WsClient.connect(client, httpPort);
  }

  @AfterEach
  void disconnect() {
    ws.close();
  }

  @Test
  @DisplayName("serves echo, slow and count as soon as it says it is ready")
  void readyAndServing() {
    ws.send(call("e", "demo", "echo", new JsonObject().put("message", "ready")));
    assertThat(ws.next().getJsonObject("result").getString("message")).isEqualTo("ready");
    ws.send(call("s", "demo", "slow", new JsonObject().put("ms", 10)));
    assertThat(ws.next(2, 10_000)).extracting(f -> f.getBoolean("async")).containsExactly(true, false);
    ws.send(call("c", "demo", "count", new JsonObject().put("n", 2)));
    List<JsonObject> frames = ws.next(4, 10_000);
    assertThat(frames).extracting(f -> f.getValue("result")).containsExactly("init", 1, 2, null);
  }

  @Test
  @DisplayName("wrong types, missing and extra args answer INVALID_ARGUMENT with the precise message")
  void arguments() {
    assertThat(error(call("a1", "demo", "add", new JsonObject().put("a", "1").put("b", 2))))
      .isEqualTo("INVALID_ARGUMENT: invalid argument type for \"a\", expected num, got string");
    assertThat(error(call("a2", "demo", "add", new JsonObject().put("a", 1))))
      .isEqualTo("INVALID_ARGUMENT: missing or nil argument \"b\" in \"add\"");
    assertThat(error(call("a3", "demo", "echo", new JsonObject().put("message", "m").put("city", "Paris"))))
      .isEqualTo("INVALID_ARGUMENT: extra arguments for \"echo\", extra: [\"city\"]");
  }

  @Test
  @DisplayName("whoami needs a user, get_profile only for oneself, admin_stats only with role admin")
  void permissions() {
    assertThat(error(call("p1", "demo", "whoami", new JsonObject()))).isEqualTo("PERMISSION_DENIED: Permission denied");
    ws.send(call("p2", "demo", "whoami", new JsonObject()).put("user_id", "alice").put("device_id", "phone"));
    assertThat(ws.next().getJsonObject("result"))
      .isEqualTo(new JsonObject().put("user_id", "alice").put("device_id", "phone").put("request_id", "p2"));
    assertThat(error(call("p3", "demo", "get_profile", new JsonObject().put("user_id", "bob")).put("user_id", "alice")))
      .isEqualTo("PERMISSION_DENIED: Permission denied");
    ws.send(call("p4", "demo", "get_profile", new JsonObject().put("user_id", "alice")).put("user_id", "alice"));
    assertThat(ws.next().getJsonObject("result")).isEqualTo(new JsonObject().put("user_id", "alice"));
    assertThat(error(call("p5", "demo", "admin_stats", new JsonObject()).put("user_id", "alice")))
      .isEqualTo("PERMISSION_DENIED: Permission denied");
    ws.send(call("p6", "demo", "admin_stats", new JsonObject()).put("user_id", "alice")
      .put("user_roles", new JsonArray().add("admin")));
    assertThat(ws.next().getJsonObject("result").getLong("calls")).isPositive();
  }

  @Test
  @DisplayName("get_user: no version is NOT_FOUND, 1.0.0 and 2.0.0 have their own shapes, latest is version 2")
  void versions() {
    assertThat(error(call("v0", "demo", "get_user", new JsonObject().put("id", "7"))))
      .isEqualTo("NOT_FOUND: unsupported function: get_user version 0.0.0");
    ws.send(call("v1", "demo", "get_user", new JsonObject().put("id", "7")).put("version", "1.0.0"));
    assertThat(ws.next().getJsonObject("result")).isEqualTo(new JsonObject().put("id", "7").put("name", "User 7"));
    JsonObject v2 = new JsonObject().put("id", "7").put("fields", new JsonArray().add("email"));
    ws.send(call("v2", "demo", "get_user", v2).put("version", "2.0.0"));
    assertThat(ws.next().getJsonObject("result")).isEqualTo(v2.copy().put("version", 2));
    ws.send(call("v3", "demo", "get_user", v2).put("version", "latest"));
    assertThat(ws.next().getJsonObject("result").getInteger("version")).isEqualTo(2);
  }

  @Test
  @DisplayName("/metrics shows GenApi's meters with calls counted by code; /health/ready is 200 once ready")
  void metricsAndHealth() {
    ws.send(call("m1", "demo", "echo", new JsonObject().put("message", "counted")));
    ws.next();
    ws.send(call("m2", "demo", "add", new JsonObject().put("a", "x").put("b", 1)));
    ws.next();
    ws.send(call("m3", "demo", "no_such_function", new JsonObject()));
    ws.next();
    Http http = new Http(client, httpPort);
    String metrics = http.get("/metrics", null).raw().toString();
    assertThat(metrics).contains("genapi_calls_total{code=\"OK\",request_type=\"echo\",service=\"demo\"}")
      .contains("genapi_calls_total{code=\"INVALID_ARGUMENT\",request_type=\"add\",service=\"demo\"}")
      .contains("genapi_calls_total{code=\"NOT_FOUND\",request_type=\"_unknown\",service=\"_unknown\"}")
      .contains("genapi_call_duration_seconds_bucket").contains("genapi_registry_functions")
      .contains("genapi_connections{transport=\"websocket\"}").contains("genapi_nodes_live")
      .contains("vertx_http_server_requests_total").doesNotContain("request_id=").doesNotContain("user_id=");
    Http.Reply ready = http.get("/health/ready", null);
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.json().getString("status")).isEqualTo("UP");
    assertThat(http.get("/health/live", null).status()).isEqualTo(200);
  }

  private String error(JsonObject call) {
    ws.send(call);
    JsonObject answer = ws.next();
    assertThat(answer.getBoolean("success")).as(answer.encode()).isFalse();
    return answer.getString("code") + ": " + answer.getString("error");
  }
}
