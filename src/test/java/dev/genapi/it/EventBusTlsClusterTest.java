package dev.genapi.it;

import dev.genapi.cluster.Addresses;
import dev.genapi.cluster.ClusterOptions;
import dev.genapi.cluster.ClusterSupport;
import dev.genapi.config.ConfigService;
import dev.genapi.demo.DemoService;
import dev.genapi.gateway.Gateway;
import dev.genapi.gateway.GatewayOptions;
import dev.genapi.node.ServiceNode;
import dev.genapi.node.ServiceNodeOptions;
import dev.genapi.protocol.NodeCallRequest;
import dev.genapi.testing.DevCerts;
import dev.genapi.testing.Eventually;
import dev.genapi.testing.TestCluster;
import dev.genapi.testing.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.genapi.testing.TestCluster.await;
import static dev.genapi.testing.WsClient.call;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gateway and a node whose event bus runs mutual TLS with certificates from {@code scripts/dev-certs.sh}, one CA
 * for gateways and one for nodes (gateways trust both, nodes only the gateways'), and intruders that join the same
 * Hazelcast cluster without a certificate, with one from another CA, or with a node's certificate.
 */
@DisplayName("Event-bus TLS between a gateway and a node")
class EventBusTlsClusterTest {

  private static final String NODE = Addresses.NODE_PREFIX + "demo-node";
  private static final String ECHO_BODY = "{\"request_id\":\"i1\",\"args\":{\"message\":\"x\"}}";
  @TempDir
  static Path certs;
  private static ClusterOptions cluster;
  private static DevCerts gateways;
  private static DevCerts nodes;
  private static DevCerts other;
  private static Path bothCas;
  private static Vertx gatewayVertx;
  private static Vertx nodeVertx;
  private static Vertx clientVertx;
  private static Gateway gateway;

  @BeforeAll
  static void startCluster() throws IOException {
    gateways = DevCerts.make(certs.resolve("gateways"), "gateway");
    nodes = DevCerts.make(certs.resolve("nodes"), "node", "rogue-node");
    other = DevCerts.make(certs.resolve("other"), "intruder");
    bothCas = certs.resolve("gateways-and-nodes-ca.crt");
    Files.writeString(bothCas, Files.readString(gateways.file("ca.crt")) + Files.readString(nodes.file("ca.crt")));
    cluster = TestCluster.newCluster();
    gatewayVertx = TestCluster.member(gateways.tls(cluster, "gateway", bothCas));
    nodeVertx = TestCluster.member(nodes.tls(cluster, "node", gateways.file("ca.crt")));
    clientVertx = Vertx.vertx();
    gateway = await(Gateway.start(gatewayVertx, new GatewayOptions().setPort(TestCluster.freePort())));
    ServiceNode demo = DemoService.registerOn(
      ServiceNode.create(nodeVertx, new ServiceNodeOptions().setName("demo-node")), nodeVertx);
    await(demo.start());
    await(demo.registered());
  }

  @AfterAll
  static void stopCluster() {
    TestCluster.close(clientVertx, nodeVertx, gatewayVertx);
  }

  @Test
  @DisplayName("the gateway's calls are served by the node over TLS")
  void callsServed() {
    assertThat(echoes(5, "tls")).extracting(reply -> reply.getJsonObject("result").getString("message"))
      .containsExactlyInAnyOrder("tls0", "tls1", "tls2", "tls3", "tls4");
  }

  @Test
  @DisplayName("a member without a certificate joins Hazelcast but can neither call the node nor take its calls")
  void memberWithoutCertificate() {
    assertIntruderShutOut(cluster);
  }

  @Test
  @DisplayName("a member with a certificate from another CA can neither call the node nor take its calls")
  void memberOfAnotherCa() {
    assertIntruderShutOut(other.tls(cluster, "intruder"));
  }

  @Test
  @DisplayName("a member with a node's certificate reaches the gateways but cannot call a node")
  void nodeCannotCallNode() {
    // it trusts every CA itself: what keeps it out is the node's trust in the gateways' CA alone
    Vertx rogue = TestCluster.member(nodes.tls(cluster, "rogue-node", bothCas));
    try {
      assertThat(await(ConfigService.createProxy(rogue).services())).as("the gateways answer a node").isNotEmpty();
      assertNodeRefuses(rogue);
      assertThat(echoes(3, "served")).allSatisfy(reply -> assertThat(reply.getBoolean("success")).isTrue());
    } finally {
      TestCluster.close(rogue);
    }
  }

  /**
   * The intruder joins Hazelcast, its direct call to the node fails, and its consumer on the node's address, which
   * would answer with a forged result, gets no call: the gateway's calls routed its way fail with a retryable error
   * (Hazelcast's subscription map is not guarded), the others are served by the real node, and once the intruder is
   * gone every call is.
   */
  private static void assertIntruderShutOut(ClusterOptions options) {
    Vertx intruder = TestCluster.member(options);
    AtomicInteger stolen = new AtomicInteger();
    try {
      assertThat(ClusterSupport.hazelcast(intruder).getCluster().getMembers()).hasSize(3);
      assertNodeRefuses(intruder);
      MessageConsumer<Object> consumer = intruder.eventBus().consumer(NODE, message -> {
        stolen.incrementAndGet();
        message.reply(new JsonObject().put("message", "forged"));
      });
      await(consumer.completion());
      assertThat(echoes(10, "during")).allSatisfy(reply -> assertThat(reply.getBoolean("success")
        ? reply.getJsonObject("result").getString("message").startsWith("during")
        : reply.getBoolean("can_retry")).as(reply.encode()).isTrue());
      assertThat(stolen).as("calls the intruder received").hasValue(0);
    } finally {
      TestCluster.close(intruder);
    }
    assertThat(Eventually.until(() -> echoes(3, "after"), replies -> replies.stream()
      .allMatch(reply -> reply.getBoolean("success")), 20_000))
      .allSatisfy(reply -> assertThat(reply.getBoolean("success")).as(reply.encode()).isTrue());
    assertThat(stolen).hasValue(0);
  }

  /** The member's own call to the node is neither run nor answered: the node's call count moves by its own count. */
  private static void assertNodeRefuses(Vertx member) {
    long before = demoCalls();
    assertThat(directCallAnswers(member)).as("answers to the member's own call to the node").isZero();
    assertThat(demoCalls()).as("calls the node ran: only the second count").isEqualTo(before + 1);
  }

  private static long demoCalls() {
    try (WsClient ws = WsClient.connect(clientVertx, gateway.port())) {
      ws.send(call(UUID.randomUUID().toString(), "demo", "admin_stats", new JsonObject()).put("user_id", "ops")
        .put("user_roles", new JsonArray().add("admin")));
      return ws.next().getJsonObject("result").getLong("calls");
    }
  }

  /** Calls the node's echo as a gateway does, and counts the replies that arrive within 3 s. */
  private static int directCallAnswers(Vertx intruder) {
    AtomicInteger answers = new AtomicInteger();
    await(intruder.eventBus().consumer("intruder.replies", message -> answers.incrementAndGet()).completion());
    intruder.eventBus().send(NODE, new NodeCallRequest("demo/echo/0.0.0", "intruder-1", "intruder.replies",
      System.currentTimeMillis() + 5000, null, null, Buffer.buffer(ECHO_BODY)));
    return Eventually.until(answers::get, count -> count > 0, 3000);
  }

  /** Sends the calls at once over one connection and returns their replies. */
  private static List<JsonObject> echoes(int count, String prefix) {
    WsClient ws = WsClient.connect(clientVertx, gateway.port());
    try {
      for (int i = 0; i < count; i++) {
        ws.send(call(prefix + i, "demo", "echo", new JsonObject().put("message", prefix + i)));
      }
      return ws.next(count, 20_000);
    } finally {
      ws.close();
    }
  }
}
