package dev.genapi.it;

import dev.genapi.testing.Eventually;
import dev.genapi.testing.Http;
import dev.genapi.testing.JvmFleet;
import dev.genapi.testing.JvmProcess;
import dev.genapi.testing.TestCluster;
import dev.genapi.testing.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.genapi.testing.WsClient.call;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * SIGTERM, as Kubernetes sends it, to a node and to a gateway in the middle of calls: nothing accepted is lost.
 */
@DisplayName("Graceful drain on SIGTERM")
class DrainJvmTest {

  private static final long READY_MS = 90_000;
  private static JvmFleet fleet;
  private static String[] cluster;
  private static Vertx client;
  private static int port;
  private static JvmProcess gateway;

  @BeforeAll
  static void start() {
    client = Vertx.vertx();
    port = TestCluster.freePort();
    cluster = new String[] {"--cluster-name", "genapi-drain-" + UUID.randomUUID(),
      "--cluster-port", Integer.toString(TestCluster.newCluster().getPort())};
    fleet = new JvmFleet(Map.of(), cluster);
    gateway = fleet.launch("gateway", "--http-port", Integer.toString(port));
    gateway.awaitLine("GenApi gateway ready on http://127.0.0.1:" + port, READY_MS);
  }

  @AfterAll
  static void stop() {
    fleet.close();
    TestCluster.close(client);
  }

  @Test
  @DisplayName("a stopping node loses no call under load; a stopping gateway tells its clients, refuses new calls, "
    + "finishes its calls, then closes with 1012")
  void drain() {
    JvmProcess nodeA = fleet.launch("node", "--node-name", "drain-a");
    nodeA.awaitLine("pushed its functions", READY_MS);
    JvmProcess nodeB = fleet.launch("node", "--node-name", "drain-b");
    nodeB.awaitLine("pushed its functions", READY_MS);
    try (WsClient ws = WsClient.connect(client, port)) {
      awaitBothNodes(ws);
      for (int i = 0; i < 40; i++) {
        if (i == 10) {
          new Thread(() -> nodeA.terminate(15_000)).start();
        }
        ws.send(call("load" + i, "demo", "slow", new JsonObject().put("ms", 100)));
        List<JsonObject> frames = ws.next(2, 10_000);
        assertThat(frames.get(1).getBoolean("success")).as(frames.get(1).encode()).isTrue();
      }
    }

    try (WsClient ws = WsClient.connect(client, port)) {
      ws.send(call("last", "demo", "slow", new JsonObject().put("ms", 1500)));
      assertThat(ws.next().getBoolean("async")).isTrue();
      long before = System.currentTimeMillis();
      Http health = new Http(client, port);
      assertThat(health.get("/health/ready", null).status()).isEqualTo(200);
      Thread stopping = new Thread(() -> gateway.terminate(20_000));
      stopping.start();
      assertThat(Eventually.until(() -> health.get("/health/ready", null).status(), status -> status == 503, 1000))
        .as("readiness while draining").isEqualTo(503);
      JsonObject drain = ws.next(10_000);
      assertThat(drain.getString("op")).as(drain.encode()).isEqualTo("drain");
      assertThat(drain.getLong("reconnect_after_ms")).isBetween(0L, 2000L);
      ws.send(call("late", "demo", "echo", new JsonObject().put("message", "m")));
      JsonObject late = ws.next(10_000);
      assertThat(late.getString("request_id")).isEqualTo("late");
      assertThat(late.getString("code")).isEqualTo("UNAVAILABLE");
      assertThat(late.getBoolean("can_retry")).isTrue();
      assertThat(late.getString("error")).isEqualTo("Service unavailable: gateway draining");
      JsonObject result = ws.next(10_000);
      assertThat(result.getJsonObject("result").getInteger("slept")).isEqualTo(1500);
      assertThat(ws.closeStatus(10_000)).isEqualTo((short) 1012);
      assertThat(gateway.terminate(15_000)).as("the gateway process ended within its drain budget").isTrue();
      assertThat(System.currentTimeMillis() - before).isLessThan(15_000);
    }
  }

  private static void awaitBothNodes(WsClient ws) {
    for (int i = 0; i < 50; i++) {
      ws.send(call("warm" + i, "demo", "echo", new JsonObject().put("message", "m")));
      if (ws.next().getBoolean("success") && i > 5) {
        return;
      }
      ws.drain(100);
    }
  }

}
