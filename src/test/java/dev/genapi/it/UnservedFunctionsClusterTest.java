package dev.genapi.it;

import dev.genapi.api.FunConfig;
import dev.genapi.cluster.ClusterOptions;
import dev.genapi.gateway.Gateway;
import dev.genapi.gateway.GatewayOptions;
import dev.genapi.node.ServiceNode;
import dev.genapi.node.ServiceNodeOptions;
import dev.genapi.testing.Eventually;
import dev.genapi.testing.Http;
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

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import static dev.genapi.testing.TestCluster.await;
import static dev.genapi.testing.WsClient.call;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gateway and two service-node members (one for nodes with the old configuration, one for nodes with the new) in
 * one Hazelcast cluster: a function that no live node declares any more leaves {@code /api/functions} and answers
 * {@code NOT_FOUND}, while one that an old node still declares stays listed and goes to that node only.
 */
@DisplayName("Functions no live node serves")
class UnservedFunctionsClusterTest {

  private static final String ADMIN = "admin-secret";

  private static Vertx gatewayVertx;
  private static Vertx oldVertx;
  private static Vertx newVertx;
  private static Vertx clientVertx;
  private static Gateway gateway;
  private static Http http;

  @BeforeAll
  static void startCluster() {
    ClusterOptions cluster = TestCluster.newCluster();
    gatewayVertx = TestCluster.member(cluster);
    oldVertx = TestCluster.member(cluster);
    newVertx = TestCluster.member(cluster);
    clientVertx = Vertx.vertx();
    gateway = await(Gateway.start(gatewayVertx, new GatewayOptions().setPort(TestCluster.freePort())
      .setAdminToken(ADMIN)));
    http = new Http(clientVertx, gateway.port());
  }

  @AfterAll
  static void stopCluster() {
    http.close();
    TestCluster.close(clientVertx, newVertx, oldVertx, gatewayVertx);
  }

  @Test
  @DisplayName("a function only a stopped node declared is unlisted and NOT_FOUND; listed again when the node is back")
  void leftByEveryLiveNode() {
    ServiceNode a = started(node(oldVertx, "shop-a", "old", "list", "report"));
    started(node(newVertx, "shop-b", "new", "list"));
    try (WsClient ws = WsClient.connect(clientVertx, gateway.port())) {
      assertThat(listed("shop")).containsExactlyInAnyOrder("list", "report");
      assertThat(answers(ws, "shop", "report", 20)).as("only the node that declares it").containsOnly("old");
      assertThat(answers(ws, "shop", "list", 20)).containsExactlyInAnyOrder("old", "new");

      await(a.stop());
      assertThat(Eventually.until(() -> listed("shop"), names -> !names.contains("report"), 10_000))
        .containsExactly("list");
      JsonObject gone = ask(ws, "r-gone", "shop", "report");
      JsonObject never = ask(ws, "r-never", "shop", "never_registered");
      assertThat(gone.getString("code")).isEqualTo("NOT_FOUND").isEqualTo(never.getString("code"));
      assertThat(gone.getString("error")).isEqualTo("unsupported function: report version 0.0.0");
      assertThat(gone.getBoolean("can_retry")).isFalse();
      assertThat(ask(ws, "r-latest", "shop", "report", "latest").getString("code")).isEqualTo("NOT_FOUND");
      JsonObject overHttp = http.send(HttpMethod.POST, "/api/call", null,
        call("h-gone", "shop", "report", new JsonObject()).encode()).json();
      assertThat(overHttp.getString("code")).isEqualTo("NOT_FOUND");
      assertThat(served("shop", "report")).as("the admin API still lists it, as not served").isFalse();
      assertThat(answers(ws, "shop", "list", 5)).containsOnly("new");

      started(node(oldVertx, "shop-a", "old", "list", "report"));
      assertThat(Eventually.until(() -> listed("shop"), names -> names.contains("report"), 10_000))
        .containsExactlyInAnyOrder("list", "report");
      assertThat(answers(ws, "shop", "report", 5)).containsOnly("old");
      assertThat(served("shop", "report")).isTrue();
    }
  }

  @Test
  @DisplayName("during a rolling deploy no call gets NOT_FOUND; each function goes only to the nodes declaring it")
  void rollingDeploy() throws InterruptedException {
    ServiceNode old = started(node(oldVertx, "cart-old", "old", "total", "legacy"));
    List<Answer> answers = new CopyOnWriteArrayList<>();
    AtomicReference<String> phase = new AtomicReference<>("old only");
    Thread loop = new Thread(() -> callInTurn(phase, answers), "rolling-deploy-client");
    loop.start();
    try (WsClient ws = WsClient.connect(clientVertx, gateway.port())) {
      awaitAnswers(answers, "old only", 10);
      phase.set("overlap");
      started(node(newVertx, "cart-new", "new", "total", "coupon"));
      assertThat(Eventually.until(() -> listed("cart"), names -> names.contains("coupon"), 10_000))
        .containsExactlyInAnyOrder("total", "legacy", "coupon");
      assertThat(answers(ws, "cart", "coupon", 10)).containsOnly("new");
      awaitAnswers(answers, "overlap", 40);

      phase.set("stopping");
      awaitAnswers(answers, "stopping", 1);
      await(old.stop());
      phase.set("after");
      assertThat(Eventually.until(() -> listed("cart"), names -> !names.contains("legacy"), 10_000))
        .containsExactlyInAnyOrder("total", "coupon");
      awaitAnswers(answers, "after", 10);
    } finally {
      phase.set(null);
      loop.join(30_000);
    }
    List<Answer> beforeStop = answers.stream().filter(a -> Set.of("old only", "overlap").contains(a.phase())).toList();
    assertThat(beforeStop).allSatisfy(a -> assertThat(a.answer().getBoolean("success")).as(a.toString()).isTrue());
    assertThat(beforeStop).filteredOn(a -> a.requestType().equals("legacy"))
      .allSatisfy(a -> assertThat(a.answer().getString("result")).isEqualTo("old"));
    assertThat(answers).filteredOn(a -> a.phase().equals("overlap") && a.requestType().equals("total"))
      .extracting(a -> a.answer().getString("result")).as("both generations served total").contains("old", "new");
    assertThat(answers).filteredOn(a -> a.requestType().equals("total"))
      .allSatisfy(a -> assertThat(a.answer().getBoolean("success")).as(a.toString()).isTrue());
    assertThat(answers).filteredOn(a -> a.phase().equals("after") && a.requestType().equals("total"))
      .extracting(a -> a.answer().getString("result")).containsOnly("new");
  }

  /**
   * Calls total and legacy in turn, one call at a time, until the phase (what the deploy is doing) is cleared;
   * records each answer with the phase it was sent in.
   */
  private static void callInTurn(AtomicReference<String> phase, List<Answer> answers) {
    try (WsClient ws = WsClient.connect(clientVertx, gateway.port())) {
      for (int i = 0; phase.get() != null; i++) {
        String current = phase.get();
        String requestType = i % 2 == 0 ? "total" : "legacy";
        answers.add(new Answer(current, requestType, ask(ws, "loop-" + i, "cart", requestType)));
      }
    }
  }

  private static void awaitAnswers(List<Answer> answers, String phase, int count) {
    assertThat(Eventually.until(() -> answers.stream().filter(a -> a.phase().equals(phase)).count(),
      n -> n >= count, 20_000)).isGreaterThanOrEqualTo(count);
  }

  private static ServiceNode node(Vertx vertx, String name, String generation, String... requestTypes) {
    String service = name.substring(0, name.indexOf('-'));
    ServiceNode node = ServiceNode.create(vertx, new ServiceNodeOptions().setName(name));
    for (String requestType : requestTypes) {
      node.register(FunConfig.fromJson(new JsonObject().put("service", service).put("request_type", requestType)),
        call -> Future.succeededFuture(generation));
    }
    return node;
  }

  private static ServiceNode started(ServiceNode node) {
    await(node.start());
    await(node.registered());
    return node;
  }

  /** @return the request_types of the service that {@code /api/functions} lists */
  private static Set<String> listed(String service) {
    return http.get("/api/functions", null).json().getJsonArray("functions").stream()
      .map(JsonObject.class::cast).filter(f -> f.getString("service").equals(service))
      .map(f -> f.getString("request_type")).collect(Collectors.toSet());
  }

  private static boolean served(String service, String requestType) {
    return http.get("/admin/functions", ADMIN).json().getJsonObject(service).getJsonArray(requestType)
      .getJsonObject(0).getBoolean("served");
  }

  /** @return the distinct results of that many calls, each of which must succeed */
  private static Set<String> answers(WsClient ws, String service, String requestType, int calls) {
    Set<String> results = new HashSet<>();
    for (int i = 0; i < calls; i++) {
      JsonObject answer = ask(ws, requestType + "-" + i, service, requestType);
      assertThat(answer.getBoolean("success")).as(answer.encode()).isTrue();
      results.add(answer.getString("result"));
    }
    return results;
  }

  private static JsonObject ask(WsClient ws, String requestId, String service, String requestType) {
    return ask(ws, requestId, service, requestType, null);
  }

  private static JsonObject ask(WsClient ws, String requestId, String service, String requestType, String version) {
    JsonObject call = call(requestId, service, requestType, new JsonObject());
    ws.send(version == null ? call : call.put("version", version));
    return ws.next(10_000);
  }

  private record Answer(String phase, String requestType, JsonObject answer) {
  }
}
