package dev.genapi.it;

import dev.genapi.cluster.Addresses;
import dev.genapi.cluster.ClusterOptions;
import dev.genapi.demo.DemoService;
import dev.genapi.gateway.AuthOptions;
import dev.genapi.gateway.Gateway;
import dev.genapi.gateway.GatewayOptions;
import dev.genapi.node.ServiceNode;
import dev.genapi.node.ServiceNodeOptions;
import dev.genapi.protocol.Push;
import dev.genapi.testing.Jwts;
import dev.genapi.testing.LogCapture;
import dev.genapi.testing.NodeClients;
import dev.genapi.testing.TestCluster;
import dev.genapi.testing.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static dev.genapi.testing.TestCluster.await;
import static dev.genapi.testing.WsClient.call;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two gateways with JWT identities and the demo node, each in a clustered Vert.x of its own: server pushes reach every
 * connection of their user or device, on both gateways and over the native WebSocket and the npm {@code phoenix}
 * client, and no other connection.
 */
@DisplayName("Server pushes across the cluster")
class PushClusterTest {

  private static final String SECRET = Jwts.SECRET;

  private static Vertx gatewayA;
  private static Vertx gatewayB;
  private static Vertx nodeVertx;
  private static Vertx client;
  private static Gateway a;
  private static Gateway b;

  @BeforeAll
  static void start() {
    ClusterOptions cluster = TestCluster.newCluster();
    gatewayA = TestCluster.member(cluster);
    gatewayB = TestCluster.member(cluster);
    nodeVertx = TestCluster.member(cluster);
    client = Vertx.vertx();
    a = await(Gateway.start(gatewayA, options()));
    b = await(Gateway.start(gatewayB, options()));
    ServiceNode demo = DemoService.registerOn(ServiceNode.create(nodeVertx, new ServiceNodeOptions()
      .setName("demo-node")), nodeVertx);
    await(demo.start().compose(v -> demo.registered()));
  }

  @AfterAll
  static void stop() {
    TestCluster.close(client, nodeVertx, gatewayB, gatewayA);
  }

  private static GatewayOptions options() {
    return new GatewayOptions().setPort(TestCluster.freePort())
      .setAuth(new AuthOptions().setMode(AuthOptions.MODE_JWT).setJwtSecret(SECRET));
  }

  @Test
  @DisplayName("demo.push_to_user reaches the user's native WebSocket on one gateway and phoenix client on the other")
  void pushToUserEverywhere() {
    NodeClients.Background phoenix = NodeClients.start("phoenix-push.js", "ws://127.0.0.1:" + b.port() + "/socket",
      token("alice"), "2");
    try (WsClient alice = WsClient.connect(client, a.port(), token("alice"));
         WsClient bob = WsClient.connect(client, b.port(), token("bob"));
         WsClient carol = WsClient.connect(client, a.port(), token("carol"))) {
      phoenix.awaitLine("joined", 15_000);
      for (String message : List.of("first", "second")) {
        carol.send(call("p-" + message, "demo", "push_to_user", new JsonObject().put("user_id", "alice")
          .put("message", message)));
        assertThat(carol.next().getJsonObject("result")).isEqualTo(new JsonObject().put("pushed", true));
      }
      for (String message : List.of("first", "second")) {
        JsonObject push = alice.next();
        assertThat(push.getString("push")).isEqualTo("user");
        assertThat(push.getBoolean("success")).isTrue();
        assertThat(push.getBoolean("async")).isFalse();
        assertThat(push.getBoolean("has_more")).isFalse();
        assertThat(push.getJsonObject("result")).isEqualTo(new JsonObject().put("message", message));
        assertThat(push.getString("request_id")).isNotBlank();
      }
      JsonArray pushes = phoenix.result(15_000).getJsonArray("pushes");
      assertThat(pushes.stream().map(p -> ((JsonObject) p).getJsonObject("result").getString("message")))
        .containsExactly("first", "second");
      assertThat(pushes.getJsonObject(0).getString("push")).isEqualTo("user");
      assertThat(bob.drain(500)).as("frames to another user").isEmpty();
      assertThat(carol.drain(0)).as("frames to the sender").isEmpty();
    }
  }

  @Test
  @DisplayName("a push to a device reaches the connections whose calls carry that device_id, in the order sent")
  void pushToDeviceInOrder() {
    try (WsClient phone = WsClient.connect(client, b.port(), token("dave"));
         WsClient laptop = WsClient.connect(client, a.port(), token("dave"))) {
      phone.send(call("w", "demo", "echo", new JsonObject().put("message", "x")).put("device_id", "phone-1"));
      assertThat(phone.next().getBoolean("success")).isTrue();
      laptop.send(call("w", "demo", "echo", new JsonObject().put("message", "x")).put("device_id", "laptop-1"));
      assertThat(laptop.next().getBoolean("success")).isTrue();
      for (int i = 0; i < 50; i++) {
        Push.toDevice("phone-1", i).publish(nodeVertx.eventBus());
      }
      List<JsonObject> received = phone.next(50, 10_000);
      assertThat(received).extracting(push -> push.getInteger("result")).containsExactlyElementsOf(
        IntStream.range(0, 50).boxed().toList());
      assertThat(received).allSatisfy(push -> assertThat(push.getString("push")).isEqualTo("device"));
      assertThat(laptop.drain(500)).as("frames to the user's other device").isEmpty();
    }
  }

  @Test
  @DisplayName("a closed connection gets nothing and breaks nothing; a malformed push on the bus is ignored")
  void closedAndMalformed() {
    LogCapture log = LogCapture.install();
    WsClient gone = WsClient.connect(client, a.port(), token("erin"));
    gone.close();
    nodeVertx.eventBus().publish(Addresses.PUSHES, new JsonObject().put("target", "nobody"));
    nodeVertx.eventBus().publish(Addresses.PUSHES, "not json");
    try (WsClient erin = WsClient.connect(client, b.port(), token("erin"))) {
      Push.toUser("erin", "still here").publish(nodeVertx.eventBus());
      assertThat(erin.next().getString("result")).isEqualTo("still here");
    }
    log.closeAndAssertNoStackTraces();
  }

  private static String token(String user) {
    return Jwts.token(client, SECRET, user, new JsonArray(), 600);
  }
}
