package dev.genapi.it;

import dev.genapi.cluster.ClusterOptions;
import dev.genapi.gateway.Gateway;
import dev.genapi.demo.DemoService;
import dev.genapi.gateway.GatewayOptions;
import dev.genapi.node.ServiceNode;
import dev.genapi.node.ServiceNodeOptions;
import dev.genapi.testing.LogCapture;
import dev.genapi.testing.TestCluster;
import dev.genapi.testing.WsClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.BiFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gateway or a node whose Vert.x is closed without {@code stop()}: the gateway's periodic map reads (every second
 * here) and rate-limit rounds (every 200 ms), the node's lease renewals and registry checks, are due while Vert.x
 * closes; they end before Vert.x closes its workers and event bus (the gateway's with its deployment).
 */
@DisplayName("Closing Vert.x under a running gateway or node")
class VertxCloseClusterTest {

  private static final int ROUNDS = 3;
  private static final int NODE_ROUNDS = 2;
  private static final long RUNNING_MS = 1500;
  /** Longer than closing a member takes: without the node's own stop, its reply would find the event bus closed. */
  private static final long SLOW_MS = 3000;

  private static ClusterOptions cluster;
  private static Vertx peer;

  @BeforeAll
  static void start() {
    cluster = TestCluster.newCluster().setResyncIntervalMs(1000);
    peer = TestCluster.member(cluster);
  }

  @AfterAll
  static void stop() {
    TestCluster.close(peer);
  }

  @Test
  @DisplayName("under a running gateway: it stops first, and nothing it started fails in the log")
  void gatewayClosedWithoutStop() {
    assertThat(errorsWhileClosing(ROUNDS, (vertx, round) -> Gateway.start(vertx,
      new GatewayOptions().setPort(TestCluster.freePort())).map(Gateway::ready)))
      .as("errors through GenApi's code while and after Vert.x closed").isEmpty();
  }

  @Test
  @DisplayName("under a running node (lease renewed every 200 ms, registry checked every 100 ms): nothing it started "
    + "fails in the log")
  void nodeClosedWithoutStop() {
    Gateway gateway = TestCluster.await(Gateway.start(peer, new GatewayOptions().setPort(TestCluster.freePort())));
    try {
      assertThat(errorsWhileClosing(NODE_ROUNDS, (vertx, round) -> {
        ServiceNode node = DemoService.registerOn(ServiceNode.create(vertx, new ServiceNodeOptions()
          .setName("closed-" + round).setLeaseRenewMs(200).setVerifyIntervalMs(100)), vertx);
        return node.start().compose(v -> node.registered()).map(registered -> true);
      })).as("errors through GenApi's code while and after Vert.x closed").isEmpty();
    } finally {
      TestCluster.await(gateway.stop());
    }
  }

  @Test
  @DisplayName("under a node serving a 3 s call: the node stops as stop() does, and the call in flight is answered")
  void nodeCallInFlight() {
    int port = TestCluster.freePort();
    Gateway gateway = TestCluster.await(Gateway.start(peer, new GatewayOptions().setPort(port)));
    Vertx vertx = TestCluster.member(cluster);
    try (WsClient client = WsClient.connect(peer, port)) {
      ServiceNode node = DemoService.registerOn(ServiceNode.create(vertx, new ServiceNodeOptions()
        .setName("closing")), vertx);
      TestCluster.await(node.start().compose(v -> node.registered()));
      client.send(WsClient.call("warm", "demo", "echo", new JsonObject().put("message", "hi")));
      assertThat(client.next().getBoolean("success")).as("echo before the close").isTrue();
      client.send(WsClient.call("in-flight", "demo", "slow", new JsonObject().put("ms", SLOW_MS)));
      sleep(500);
      Future<Void> closed = vertx.close();
      // slow answers async: its acknowledgement came before the close, its result comes after
      assertThat(client.next().getBoolean("async")).as("the acknowledgement").isTrue();
      JsonObject answer = client.next(SLOW_MS + WsClient.FRAME_TIMEOUT_MS);
      assertThat(answer.getString("request_id")).isEqualTo("in-flight");
      assertThat(answer.getBoolean("success")).as("the call in flight when Vert.x closed: %s", answer).isTrue();
      assertThat(answer.getJsonObject("result")).isEqualTo(new JsonObject().put("slept", SLOW_MS));
      TestCluster.await(closed);
    } finally {
      TestCluster.close(vertx);
      TestCluster.await(gateway.stop());
    }
  }

  /**
   * Each round starts what {@code start} starts on a new member, lets it run, and closes the member's Vert.x.
   *
   * @return the log events carrying a throwable thrown through GenApi's code meanwhile
   */
  private static List<String> errorsWhileClosing(int rounds, BiFunction<Vertx, Integer, Future<Boolean>> start) {
    LogCapture log = LogCapture.install();
    try {
      for (int round = 0; round < rounds; round++) {
        Vertx vertx = TestCluster.member(cluster);
        assertThat(TestCluster.await(start.apply(vertx, round))).as("started").isTrue();
        sleep(RUNNING_MS);
        TestCluster.await(vertx.close());
      }
      sleep(RUNNING_MS);
    } finally {
      log.close();
    }
    return log.stackTracesThroughGenApi();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

}
