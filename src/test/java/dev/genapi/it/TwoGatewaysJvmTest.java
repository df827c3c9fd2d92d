package dev.genapi.it;

import dev.genapi.api.FunConfig;
import dev.genapi.cluster.ClusterOptions;
import dev.genapi.node.ServiceNode;
import dev.genapi.node.ServiceNodeOptions;
import dev.genapi.testing.Eventually;
import dev.genapi.testing.Http;
import dev.genapi.testing.JvmFleet;
import dev.genapi.testing.JvmProcess;
import dev.genapi.testing.TestCluster;
import dev.genapi.testing.WsClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.genapi.testing.TestCluster.await;
import static dev.genapi.testing.WsClient.call;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two gateway JVMs, a demo node JVM, and this JVM as one more service node: the registry they share survives
 * restarts of gateways, and stopping every gateway (SIGTERM, as an orchestrator stops them) loses nothing. (Killed
 * gateways are covered in-JVM by {@code RegistryAdminClusterTest.nodeReRegisters}: the nodes push again.)
 */
@DisplayName("Two gateway JVMs sharing one registry")
class TwoGatewaysJvmTest {

  private static final String ADMIN = "jvm-admin";
  private static final long READY_MS = 90_000;

  private static JvmFleet fleet;
  private static final List<JvmProcess> gateways = new ArrayList<>();
  private static ClusterOptions cluster;
  private static Vertx client;
  private static Vertx member;
  private static int portA;
  private static int portB;

  @BeforeAll
  static void start() {
    cluster = TestCluster.newCluster();
    fleet = new JvmFleet(Map.of(), "--cluster-name", cluster.getName(), "--cluster-port",
      Integer.toString(cluster.getPort()));
    client = Vertx.vertx();
    portA = TestCluster.freePort();
    portB = TestCluster.freePort();
    gateway(portA);
    gateway(portB);
    fleet.launch("node", "--node-name", "demo-1").awaitLine("pushed its functions", READY_MS);
    member = TestCluster.member(cluster);
  }

  @AfterAll
  static void stop() {
    fleet.close();
    TestCluster.close(client, member);
  }

  @Test
  @DisplayName("pushes, disables, enables and deletes reach both gateways; restarted gateways keep the registry")
  void sharedRegistry() {
    ServiceNode node = ServiceNode.create(member, new ServiceNodeOptions().setName("greeter-1").setVerifyIntervalMs(1000))
      .register(greet("1.0.0"), call -> Future.succeededFuture("hello v1"));
    await(node.start());
    await(node.registered());
    node.register(greet("2.0.0"), call -> Future.succeededFuture("hello v2"));
    assertThat(await(node.push(false)).getJsonObject("greeter").getString("status")).isEqualTo("accepted");
    assertThat(until(portA, "greeter", "greet", "2.0.0", "hello v2").getValue("result")).isEqualTo("hello v2");
    assertThat(until(portB, "greeter", "greet", "2.0.0", "hello v2").getValue("result")).isEqualTo("hello v2");

    Http adminA = new Http(client, portA);
    assertThat(adminA.send(HttpMethod.POST, "/admin/functions/demo/echo/0.0.0/disable", ADMIN, null).status())
      .isEqualTo(200);
    assertThat(until(portB, "demo", "echo", null, "DISABLED").getString("code")).isEqualTo("DISABLED");
    adminA.send(HttpMethod.POST, "/admin/functions/demo/echo/0.0.0/enable", ADMIN, null);
    assertThat(until(portB, "demo", "echo", null, "echoed").getBoolean("success")).isTrue();
    adminA.send(HttpMethod.DELETE, "/admin/functions/greeter/greet/1.0.0", ADMIN, null);
    assertThat(until(portB, "greeter", "greet", "1.0.0", "NOT_FOUND").getString("code")).isEqualTo("NOT_FOUND");

    assertThat(gateways.remove(0).terminate(30_000)).isTrue();
    gateway(portA);
    assertThat(call(portA, "greeter", "greet", "2.0.0").getValue("result")).isEqualTo("hello v2");

    gateways.forEach(gateway -> assertThat(gateway.terminate(30_000)).isTrue());
    gateways.clear();
    int fresh = TestCluster.freePort();
    gateway(fresh);
    long start = System.currentTimeMillis();
    assertThat(until(fresh, "demo", "echo", null, "echoed").getBoolean("success")).isTrue();
    assertThat(until(fresh, "greeter", "greet", "2.0.0", "hello v2").getValue("result")).isEqualTo("hello v2");
    assertThat(System.currentTimeMillis() - start).isLessThan(10_000);
  }

  private static void gateway(int port) {
    JvmProcess gateway = fleet.launch(Map.of("GENAPI_ADMIN_TOKEN", ADMIN), "gateway", "--http-port",
      Integer.toString(port));
    gateway.awaitLine("GenApi gateway ready on http://127.0.0.1:" + port, READY_MS);
    gateways.add(gateway);
  }



  private static FunConfig greet(String version) {
    return FunConfig.fromJson(new JsonObject().put("service", "greeter").put("request_type", "greet")
      .put("version", version));
  }

  private static JsonObject call(int port, String service, String requestType, String version) {
    try (WsClient ws = WsClient.connect(client, port)) {
      JsonObject frame = WsClient.call(UUID.randomUUID().toString(), service, requestType,
        "echo".equals(requestType) ? new JsonObject().put("message", "echoed") : new JsonObject());
      ws.send(version == null ? frame : frame.put("version", version));
      return ws.next();
    }
  }

  /** Calls until the answer's code or result text is the expected one, for 10 s at most. */
  private static JsonObject until(int port, String service, String requestType, String version, String expected) {
    return Eventually.until(() -> call(port, service, requestType, version),
      answer -> expected.equals(answer.getString("code")) || answer.encode().contains("\"" + expected + "\""),
      10_000);
  }
}
