package dev.genapi.it;

import dev.genapi.api.FunConfig;
import dev.genapi.api.GenApiException;
import dev.genapi.cluster.Addresses;
import dev.genapi.cluster.ClusterOptions;
import dev.genapi.cluster.ClusterSupport;
import dev.genapi.gateway.Gateway;
import dev.genapi.gateway.GatewayOptions;
import dev.genapi.node.ServiceNode;
import dev.genapi.node.ServiceNodeOptions;
import dev.genapi.protocol.NodeCallRequest;
import dev.genapi.protocol.NodeReply;
import dev.genapi.testing.Eventually;
import dev.genapi.testing.TestCluster;
import dev.genapi.testing.WsClient;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.genapi.testing.TestCluster.await;
import static dev.genapi.testing.WsClient.call;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gateway, an honest node and a lying one that takes its share of an idempotent function's calls, never answers
 * them in time (the honest one takes 400 ms), and floods the gateway's reply address with forged replies: under random call ids, under the ids of
 * its own calls with one character changed, and, once the gateway has retried the call on the honest node, under the
 * id of its own expired attempt. A reply counts only under the call id of the attempt in flight, which only the node
 * that attempt went to has seen.
 */
@DisplayName("Replies are accepted only from the node the attempt went to")
class ReplyTrustClusterTest {

  private static final String LIAR = "liar";
  private static final int CALLS = 12;

  private static Vertx gatewayVertx;
  private static Vertx nodeVertx;
  private static Vertx client;
  private static Gateway gateway;
  private static final AtomicInteger received = new AtomicInteger();
  private static final AtomicInteger forged = new AtomicInteger();

  @BeforeAll
  static void start() {
    ClusterOptions cluster = TestCluster.newCluster();
    gatewayVertx = TestCluster.member(cluster);
    nodeVertx = TestCluster.member(cluster);
    client = Vertx.vertx();
    gateway = await(Gateway.start(gatewayVertx, new GatewayOptions().setPort(TestCluster.freePort())));
    await(nodeVertx.eventBus().<Object>consumer(Addresses.node(LIAR), message -> {
      if (message.body() instanceof NodeCallRequest request) {
        lie(request);
      }
    }).completion());
    renewLiarLease();
    nodeVertx.setPeriodic(500, id -> renewLiarLease());
    ServiceNode honest = ServiceNode.create(nodeVertx, new ServiceNodeOptions().setName("honest"))
      .register(FunConfig.fromJson(new JsonObject().put("service", "quotes").put("request_type", "quote")
        .put("nodes", new JsonArray().add(LIAR).add("honest")).put("choose_node_mode", "round_robin")
        .put("idempotent", true).put("timeout", 500).put("retry", new JsonObject().put("mode", "all_nodes")
          .put("count", 1))), call -> {
            Promise<Object> answer = Promise.promise();
            nodeVertx.setTimer(400, t -> answer.complete("honest"));
            return answer.future();
          });
    await(honest.start().compose(v -> honest.registered()));
    assertThat(Eventually.until(() -> gateway.nodes().isLive(LIAR), live -> live, 10_000)).isTrue();
  }

  @AfterAll
  static void stop() {
    TestCluster.close(client, nodeVertx, gatewayVertx);
  }

  @Test
  @DisplayName("every call gets the honest node's answer, once, whatever the liar sends")
  void forgedRepliesIgnored() {
    try (WsClient ws = WsClient.connect(client, gateway.port())) {
      // one at a time, so that round robin sends each retry to the other node
      for (int i = 0; i < CALLS; i++) {
        ws.send(call("q" + i, "quotes", "quote", new JsonObject()));
        JsonObject answer = ws.next();
        assertThat(answer.getString("request_id")).isEqualTo("q" + i);
        assertThat(answer.getValue("result")).as(answer.encode()).isEqualTo("honest");
      }
      assertThat(received).as("calls the liar took").hasValueGreaterThanOrEqualTo(CALLS / 3);
      assertThat(Eventually.until(forged::get, n -> n >= received.get() * 5, 5000)).as("forged replies sent")
        .isGreaterThanOrEqualTo(received.get() * 5);
      assertThat(ws.drain(1000)).as("frames after the answers").isEmpty();
    }
  }

  private static void lie(NodeCallRequest request) {
    received.incrementAndGet();
    String id = request.callId();
    String altered = id.substring(0, id.length() - 1) + (id.endsWith("A") ? "B" : "A");
    for (String callId : List.of(UUID.randomUUID().toString(), altered, "")) {
      forge(request, NodeReply.end(callId, Buffer.buffer("\"forged\"")));
    }
    // after the gateway gave up on this attempt and while its retry waits on the honest node
    nodeVertx.setTimer(700, t -> forge(request, NodeReply.end(id, Buffer.buffer("\"late liar\""))));
    nodeVertx.setTimer(750, t -> forge(request, NodeReply.failure(id, GenApiException.internal("forged failure"))));
  }

  private static void forge(NodeCallRequest request, NodeReply reply) {
    forged.incrementAndGet();
    nodeVertx.eventBus().send(request.replyTo(), reply);
  }

  private static void renewLiarLease() {
    String lease = new JsonObject().put("node", LIAR).put("member", ClusterSupport.nodeId(nodeVertx))
      .put("services", new JsonArray().add("quotes")).put("started_at", System.currentTimeMillis()).encode();
    nodeVertx.eventBus().publish(Addresses.NODE_LEASES, lease);
    ClusterSupport.hazelcast(nodeVertx).getMap(Addresses.NODES_MAP).set(LIAR, lease);
  }
}
