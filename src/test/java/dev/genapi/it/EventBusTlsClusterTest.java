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
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
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
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;

import static dev.genapi.testing.WsClient.call;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gateway and a node whose event bus runs mutual TLS with certificates from {@code scripts/dev-certs.sh}, one CA
 * for gateways and one for nodes (gateways trust both, nodes only the gateways'), and intruders that join the same
 * Hazelcast cluster without a certificate, with one from another CA, or with a node's certificate.
 */
@DisplayName("Event-bus TLS between a gateway and a node")
@ExtendWith(VertxExtension.class)
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
  static void startCluster(VertxTestContext test) throws IOException {
    gateways = DevCerts.make(certs.resolve("gateways"), "gateway");
    nodes = DevCerts.make(certs.resolve("nodes"), "node", "rogue-node");
    other = DevCerts.make(certs.resolve("other"), "intruder");
    bothCas = certs.resolve("gateways-and-nodes-ca.crt");
    Files.writeString(bothCas, Files.readString(gateways.file("ca.crt")) + Files.readString(nodes.file("ca.crt")));
    cluster = TestCluster.newCluster();
    clientVertx = Vertx.vertx();
    TestCluster.join(gateways.tls(cluster, "gateway", bothCas)).compose(first -> {
      gatewayVertx = first;
      return TestCluster.join(nodes.tls(cluster, "node", gateways.file("ca.crt")));
    }).compose(second -> {
      nodeVertx = second;
      return Gateway.start(gatewayVertx, new GatewayOptions().setPort(TestCluster.freePort()));
    }).compose(started -> {
      gateway = started;
      ServiceNode demo = DemoService.registerOn(
        ServiceNode.create(nodeVertx, new ServiceNodeOptions().setName("demo-node")), nodeVertx);
      return demo.start().compose(v -> demo.registered());
    }).onComplete(test.succeedingThenComplete());
  }

  @AfterAll
  static void stopCluster(VertxTestContext test) {
    TestCluster.leave(clientVertx, nodeVertx, gatewayVertx).onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("the gateway's calls are served by the node over TLS")
  void callsServed(VertxTestContext test) {
    echoes(5, "tls").onComplete(test.succeeding(replies -> test.verify(() -> {
      assertThat(replies).extracting(reply -> reply.getJsonObject("result").getString("message"))
        .containsExactlyInAnyOrder("tls0", "tls1", "tls2", "tls3", "tls4");
      test.completeNow();
    })));
  }

  @Test
  @Timeout(value = 45, timeUnit = TimeUnit.SECONDS)
  @DisplayName("a member without a certificate joins Hazelcast but can neither call the node nor take its calls")
  void memberWithoutCertificate(VertxTestContext test) {
    assertIntruderShutOut(cluster).onComplete(test.succeedingThenComplete());
  }

  @Test
  @Timeout(value = 45, timeUnit = TimeUnit.SECONDS)
  @DisplayName("a member with a certificate from another CA can neither call the node nor take its calls")
  void memberOfAnotherCa(VertxTestContext test) {
    assertIntruderShutOut(other.tls(cluster, "intruder")).onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("a member with a node's certificate reaches the gateways but cannot call a node")
  void nodeCannotCallNode(VertxTestContext test) {
    // it trusts every CA itself: what keeps it out is the node's trust in the gateways' CA alone
    TestCluster.join(nodes.tls(cluster, "rogue-node", bothCas)).compose(rogue ->
      onClients(ConfigService.createProxy(rogue).services())
        .map(services -> assertThat(services).as("the gateways answer a node").isNotEmpty())
        .compose(checked -> assertNodeRefuses(rogue))
        .compose(refused -> echoes(3, "served"))
        .map(replies -> assertThat(replies).allSatisfy(reply -> assertThat(reply.getBoolean("success")).isTrue()))
        .eventually(() -> TestCluster.leave(rogue)))
      .onComplete(test.succeedingThenComplete());
  }

  /**
   * @return the same outcome, on the clients' context: a chain run on a member's own context (as one rooted in its
   *     service proxy's answer is) cannot close that member, its close never completes
   */
  private static <T> Future<T> onClients(Future<T> future) {
    return Future.fromCompletionStage(future.toCompletionStage(), clientVertx.getOrCreateContext());
  }

  /**
   * The intruder joins Hazelcast, its direct call to the node fails, and its consumer on the node's address, which
   * would answer with a forged result, gets no call: the gateway's calls routed its way fail with a retryable error
   * (Hazelcast's subscription map is not guarded), the others are served by the real node, and once the intruder is
   * gone every call is.
   */
  private static Future<Void> assertIntruderShutOut(ClusterOptions options) {
    AtomicInteger stolen = new AtomicInteger();
    return TestCluster.join(options).compose(intruder -> intruderGetsNoCall(intruder, stolen)
        .eventually(() -> TestCluster.leave(intruder)))
      .compose(gone -> until(() -> echoes(3, "after"),
        replies -> replies.stream().allMatch(reply -> reply.getBoolean("success")), 20_000))
      .map(replies -> {
        assertThat(replies).allSatisfy(reply -> assertThat(reply.getBoolean("success")).as(reply.encode()).isTrue());
        assertThat(stolen).hasValue(0);
        return null;
      });
  }

  /** While the intruder is a member: it cannot call the node, and its consumer on the node's address gets nothing. */
  private static Future<Void> intruderGetsNoCall(Vertx intruder, AtomicInteger stolen) {
    assertThat(ClusterSupport.hazelcast(intruder).getCluster().getMembers()).hasSize(3);
    return assertNodeRefuses(intruder).compose(refused -> {
      MessageConsumer<Object> consumer = intruder.eventBus().consumer(NODE, message -> {
        stolen.incrementAndGet();
        message.reply(new JsonObject().put("message", "forged"));
      });
      return consumer.completion();
    }).compose(consuming -> echoes(10, "during")).map(replies -> {
      assertThat(replies).allSatisfy(reply -> assertThat(reply.getBoolean("success")
        ? reply.getJsonObject("result").getString("message").startsWith("during")
        : reply.getBoolean("can_retry")).as(reply.encode()).isTrue());
      assertThat(stolen).as("calls the intruder received").hasValue(0);
      return null;
    });
  }

  /**
   * Observes every 100 ms until the observation matches, as {@code Eventually.until} does.
   *
   * @return the first observation that matches, or the last one after about {@code timeoutMs}
   */
  private static <T> Future<T> until(Supplier<Future<T>> observe, Predicate<T> done, long timeoutMs) {
    return Eventually.until(clientVertx, observe, done, timeoutMs);
  }

  /** The member's own call to the node is neither run nor answered: the node's call count moves by its own count. */
  private static Future<Void> assertNodeRefuses(Vertx member) {
    return demoCalls().compose(before -> directCallAnswers(member)
      .map(answers -> assertThat(answers).as("answers to the member's own call to the node").isZero())
      .compose(checked -> demoCalls())
      .map(after -> {
        assertThat(after).as("calls the node ran: only the second count").isEqualTo(before + 1);
        return null;
      }));
  }

  private static Future<Long> demoCalls() {
    return WsClient.open(clientVertx, gateway.port(), null).compose(ws -> ws.ask(call(UUID.randomUUID().toString(),
        "demo", "admin_stats", new JsonObject()).put("user_id", "ops").put("user_roles", new JsonArray().add("admin")))
      .map(answer -> answer.getJsonObject("result").getLong("calls"))
      .eventually(ws::shutdown));
  }

  /** Calls the node's echo as a gateway does, and counts the replies that arrive within 3 s. */
  private static Future<Integer> directCallAnswers(Vertx intruder) {
    AtomicInteger answers = new AtomicInteger();
    return intruder.eventBus().consumer("intruder.replies", message -> answers.incrementAndGet()).completion()
      .compose(consuming -> {
        intruder.eventBus().send(NODE, new NodeCallRequest("demo/echo/0.0.0", "intruder-1", "intruder.replies",
          System.currentTimeMillis() + 5000, null, null, Buffer.buffer(ECHO_BODY)));
        return clientVertx.timer(3000);
      }).map(waited -> answers.get());
  }

  /** Sends the calls at once over one connection and returns their replies. */
  private static Future<List<JsonObject>> echoes(int count, String prefix) {
    return WsClient.open(clientVertx, gateway.port(), null).compose(ws -> {
      List<Future<Void>> sent = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        sent.add(ws.write(call(prefix + i, "demo", "echo", new JsonObject().put("message", prefix + i))));
      }
      return Future.all(sent).compose(all -> ws.frames(count, 20_000)).eventually(ws::shutdown);
    });
  }
}
