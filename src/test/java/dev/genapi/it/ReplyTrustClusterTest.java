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
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

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
@ExtendWith(VertxExtension.class)
class ReplyTrustClusterTest {

  private static final String LIAR = "liar";
  private static final int CALLS = 12;

  private static Vertx gatewayVertx;
  private static Vertx nodeVertx;
  private static Vertx client;
  private static Gateway gateway;
  private static long liarRenewal = -1;
  private static final AtomicInteger received = new AtomicInteger();
  private static final AtomicInteger forged = new AtomicInteger();

  @BeforeAll
  static void start(VertxTestContext test) {
    ClusterOptions cluster = TestCluster.newCluster();
    client = Vertx.vertx();
    TestCluster.join(cluster, 2).compose(members -> {
      gatewayVertx = members.get(0);
      nodeVertx = members.get(1);
      return Gateway.start(gatewayVertx, new GatewayOptions().setPort(TestCluster.freePort()));
    }).compose(started -> {
      gateway = started;
      return nodeVertx.eventBus().<Object>consumer(Addresses.node(LIAR), message -> {
        if (message.body() instanceof NodeCallRequest request) {
          lie(request);
        }
      }).completion();
    }).compose(consuming -> {
      renewLiarLease();
      liarRenewal = nodeVertx.setPeriodic(500, id -> renewLiarLease());
      ServiceNode honest = honestNode();
      return honest.start().compose(v -> honest.registered());
    }).compose(registered -> liarLive()).onComplete(test.succeedingThenComplete());
  }

  @AfterAll
  static void stop(VertxTestContext test) {
    // the liar's lease stops with its member, not after it (a renewal on a stopped member would fail)
    nodeVertx.cancelTimer(liarRenewal);
    TestCluster.leave(client, nodeVertx, gatewayVertx).onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("every call gets the honest node's answer, once, whatever the liar sends")
  void forgedRepliesIgnored(VertxTestContext test) {
    WsClient.open(client, gateway.port(), null).compose(ws -> callOneAtATime(ws, 0)
      .map(answered -> assertThat(received).as("calls the liar took").hasValueGreaterThanOrEqualTo(CALLS / 3))
      .compose(v -> forgedFivePerCall())
      .compose(v -> ws.quiet(1000))
      .eventually(ws::shutdown))
      .onComplete(test.succeeding(late -> test.verify(() -> {
        assertThat(late).as("frames after the answers").isEmpty();
        test.completeNow();
      })));
  }

  /** One call at a time, so that round robin sends each retry to the other node. */
  private static Future<Void> callOneAtATime(WsClient ws, int i) {
    if (i == CALLS) {
      return Future.succeededFuture();
    }
    return ws.ask(call("q" + i, "quotes", "quote", new JsonObject())).compose(answer -> {
      assertThat(answer.getString("request_id")).isEqualTo("q" + i);
      assertThat(answer.getValue("result")).as(answer.encode()).isEqualTo("honest");
      return callOneAtATime(ws, i + 1);
    });
  }

  private static Future<Void> forgedFivePerCall() {
    return Eventually.poll(client, () -> forged.get() >= received.get() * 5, 5000,
      () -> "forged replies sent: " + forged.get() + " for " + received.get() + " calls");
  }

  private static Future<Void> liarLive() {
    return Eventually.poll(client, () -> gateway.nodes().isLive(LIAR), 10_000, () -> "the liar never went live");
  }

  private static ServiceNode honestNode() {
    return ServiceNode.create(nodeVertx, new ServiceNodeOptions().setName("honest"))
      .register(FunConfig.fromJson(new JsonObject().put("service", "quotes").put("request_type", "quote")
        .put("nodes", new JsonArray().add(LIAR).add("honest")).put("choose_node_mode", "round_robin")
        .put("idempotent", true).put("timeout", 500).put("retry", new JsonObject().put("mode", "all_nodes")
          .put("count", 1))), call -> {
            Promise<Object> answer = Promise.promise();
            nodeVertx.setTimer(400, t -> answer.complete("honest"));
            return answer.future();
          });
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
