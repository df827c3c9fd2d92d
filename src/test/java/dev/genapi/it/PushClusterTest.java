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
import io.vertx.core.Future;
import io.vertx.core.Vertx;
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

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.IntStream;

import static dev.genapi.testing.WsClient.call;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two gateways with JWT identities and the demo node, each in a clustered Vert.x of its own: server pushes reach every
 * connection of their user or device, on both gateways and over the native WebSocket and the npm {@code phoenix}
 * client, and no other connection.
 */
@DisplayName("Server pushes across the cluster")
@ExtendWith(VertxExtension.class)
class PushClusterTest {

  private static final String SECRET = Jwts.SECRET;

  private static Vertx gatewayA;
  private static Vertx gatewayB;
  private static Vertx nodeVertx;
  private static Vertx client;
  private static Gateway a;
  private static Gateway b;

  @BeforeAll
  static void start(VertxTestContext test) {
    ClusterOptions cluster = TestCluster.newCluster();
    client = Vertx.vertx();
    TestCluster.join(cluster).compose(first -> {
      gatewayA = first;
      return TestCluster.join(cluster);
    }).compose(second -> {
      gatewayB = second;
      return TestCluster.join(cluster);
    }).compose(third -> {
      nodeVertx = third;
      return Gateway.start(gatewayA, options());
    }).compose(started -> {
      a = started;
      return Gateway.start(gatewayB, options());
    }).compose(started -> {
      b = started;
      ServiceNode demo = DemoService.registerOn(ServiceNode.create(nodeVertx, new ServiceNodeOptions()
        .setName("demo-node")), nodeVertx);
      return demo.start().compose(v -> demo.registered());
    }).onComplete(test.succeedingThenComplete());
  }

  @AfterAll
  static void stop(VertxTestContext test) {
    TestCluster.leave(client, nodeVertx, gatewayB, gatewayA).onComplete(test.succeedingThenComplete());
  }

  private static GatewayOptions options() {
    return new GatewayOptions().setPort(TestCluster.freePort())
      .setAuth(new AuthOptions().setMode(AuthOptions.MODE_JWT).setJwtSecret(SECRET));
  }

  @Test
  @Timeout(value = 45, timeUnit = TimeUnit.SECONDS) // the phoenix client: up to 15 s to join, 15 s for its pushes
  @DisplayName("demo.push_to_user reaches the user's native WebSocket on one gateway and phoenix client on the other")
  void pushToUserEverywhere(VertxTestContext test) {
    List<String> messages = List.of("first", "second");
    blocking(() -> NodeClients.start("phoenix-push.js", "ws://127.0.0.1:" + b.port() + "/socket", token("alice"), "2"))
      .compose(phoenix -> WsClient.open(client, a.port(), token("alice")).compose(alice -> WsClient.open(client,
        b.port(), token("bob")).compose(bob -> WsClient.open(client, a.port(), token("carol")).compose(carol ->
          blocking(() -> {
            phoenix.awaitLine("joined", 15_000);
            return null;
          })
          .compose(v -> eachInTurn(messages, message -> carol.ask(call("p-" + message, "demo", "push_to_user",
              new JsonObject().put("user_id", "alice").put("message", message)))
            .map(answer -> assertThat(answer.getJsonObject("result")).isEqualTo(new JsonObject().put("pushed", true)))))
          .compose(v -> eachInTurn(messages, message -> alice.frame().map(push -> userPush(push, message))))
          .compose(v -> blocking(() -> phoenix.result(15_000)))
          .map(result -> {
            JsonArray pushes = result.getJsonArray("pushes");
            assertThat(pushes.stream().map(p -> ((JsonObject) p).getJsonObject("result").getString("message")))
              .containsExactly("first", "second");
            return assertThat(pushes.getJsonObject(0).getString("push")).isEqualTo("user");
          })
          .compose(v -> bob.quiet(500))
          .map(frames -> none(frames, "frames to another user"))
          .compose(v -> carol.quiet(1)) // the frames already received: Vert.x refuses a timer of 0 ms
          .map(frames -> none(frames, "frames to the sender"))
          .eventually(carol::shutdown))
        .eventually(bob::shutdown))
      .eventually(alice::shutdown)))
      .onComplete(test.succeedingThenComplete());
  }

  private static Void userPush(JsonObject push, String message) {
    assertThat(push.getString("push")).isEqualTo("user");
    assertThat(push.getBoolean("success")).isTrue();
    assertThat(push.getBoolean("async")).isFalse();
    assertThat(push.getBoolean("has_more")).isFalse();
    assertThat(push.getJsonObject("result")).isEqualTo(new JsonObject().put("message", message));
    assertThat(push.getString("request_id")).isNotBlank();
    return null;
  }

  @Test
  @DisplayName("a push to a device reaches the connections whose calls carry that device_id, in the order sent")
  void pushToDeviceInOrder(VertxTestContext test) {
    WsClient.open(client, b.port(), token("dave")).compose(phone -> WsClient.open(client, a.port(), token("dave"))
      .compose(laptop -> phone.ask(call("w", "demo", "echo", new JsonObject().put("message", "x"))
          .put("device_id", "phone-1"))
        .map(answer -> assertThat(answer.getBoolean("success")).isTrue())
        .compose(v -> laptop.ask(call("w", "demo", "echo", new JsonObject().put("message", "x"))
          .put("device_id", "laptop-1")))
        .map(answer -> assertThat(answer.getBoolean("success")).isTrue())
        .compose(v -> {
          for (int i = 0; i < 50; i++) {
            Push.toDevice("phone-1", i).publish(nodeVertx.eventBus());
          }
          return phone.frames(50, 10_000);
        })
        .map(received -> {
          assertThat(received).extracting(push -> push.getInteger("result")).containsExactlyElementsOf(
            IntStream.range(0, 50).boxed().toList());
          return assertThat(received).allSatisfy(push -> assertThat(push.getString("push")).isEqualTo("device"));
        })
        .compose(v -> laptop.quiet(500))
        .map(frames -> none(frames, "frames to the user's other device"))
        .eventually(laptop::shutdown))
      .eventually(phone::shutdown))
      .onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("a closed connection gets nothing and breaks nothing; a malformed push on the bus is ignored")
  void closedAndMalformed(VertxTestContext test) {
    LogCapture log = LogCapture.install();
    WsClient.open(client, a.port(), token("erin")).compose(WsClient::shutdown)
      .compose(v -> {
        nodeVertx.eventBus().publish(Addresses.PUSHES, new JsonObject().put("target", "nobody"));
        nodeVertx.eventBus().publish(Addresses.PUSHES, "not json");
        return WsClient.open(client, b.port(), token("erin"));
      })
      .compose(erin -> {
        Push.toUser("erin", "still here").publish(nodeVertx.eventBus());
        return erin.frame().map(push -> assertThat(push.getString("result")).isEqualTo("still here"))
          .eventually(erin::shutdown);
      })
      .eventually(() -> Future.succeededFuture().map(v -> {
        log.closeAndAssertNoStackTraces();
        return v;
      }))
      .onComplete(test.succeedingThenComplete());
  }

  private static Void none(List<JsonObject> frames, String what) {
    assertThat(frames).as(what).isEmpty();
    return null;
  }

  /** Runs the Node client's blocking steps (a process and its output) on a worker thread. */
  private static <T> Future<T> blocking(java.util.concurrent.Callable<T> step) {
    return client.executeBlocking(step, false);
  }

  private static <T> Future<Void> eachInTurn(List<T> items, Function<T, Future<?>> step) {
    Future<Void> chain = Future.succeededFuture();
    for (T item : items) {
      chain = chain.compose(v -> step.apply(item)).mapEmpty();
    }
    return chain;
  }

  private static String token(String user) {
    return Jwts.token(client, SECRET, user, new JsonArray(), 600);
  }
}
