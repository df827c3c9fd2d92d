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
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import static dev.genapi.testing.WsClient.call;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gateway and two service-node members (one for nodes with the old configuration, one for nodes with the new) in
 * one Hazelcast cluster: a function that no live node declares any more leaves {@code /api/functions} and answers
 * {@code NOT_FOUND}, while one that an old node still declares stays listed and goes to that node only.
 */
@DisplayName("Functions no live node serves")
@ExtendWith(VertxExtension.class)
class UnservedFunctionsClusterTest {

  private static final String ADMIN = "admin-secret";

  private static Vertx gatewayVertx;
  private static Vertx oldVertx;
  private static Vertx newVertx;
  private static Vertx clientVertx;
  private static Gateway gateway;
  private static Http http;

  @BeforeAll
  static void startCluster(VertxTestContext test) {
    ClusterOptions cluster = TestCluster.newCluster();
    clientVertx = Vertx.vertx();
    TestCluster.join(cluster).compose(first -> {
      gatewayVertx = first;
      return TestCluster.join(cluster);
    }).compose(second -> {
      oldVertx = second;
      return TestCluster.join(cluster);
    }).compose(third -> {
      newVertx = third;
      return Gateway.start(gatewayVertx, new GatewayOptions().setPort(TestCluster.freePort()).setAdminToken(ADMIN));
    }).map(started -> {
      gateway = started;
      http = new Http(clientVertx, gateway.port());
      return started;
    }).onComplete(test.succeedingThenComplete());
  }

  @AfterAll
  static void stopCluster(VertxTestContext test) {
    // rooted on no context: a chain bound to the client's context would never hear that the client closed
    Future.<Void>succeededFuture()
      .compose(start -> http == null ? Future.succeededFuture() : http.shutdown().otherwiseEmpty())
      .eventually(() -> TestCluster.leave(clientVertx, newVertx, oldVertx, gatewayVertx))
      .onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("a function only a stopped node declared is unlisted and NOT_FOUND; listed again when the node is back")
  void leftByEveryLiveNode(VertxTestContext test) {
    ServiceNode a = node(oldVertx, "shop-a", "old", "list", "report");
    started(a).compose(v -> started(node(newVertx, "shop-b", "new", "list")))
      .compose(v -> WsClient.open(clientVertx, gateway.port(), null))
      .compose(ws -> bothServe(ws)
        .compose(v -> a.stop())
        .compose(v -> reportGone(ws))
        .compose(v -> started(node(oldVertx, "shop-a", "old", "list", "report")))
        .compose(v -> reportBack(ws))
        .eventually(ws::shutdown))
      .onComplete(test.succeedingThenComplete());
  }

  /** Both nodes up: report goes to the old one only, list to both. */
  private static Future<Void> bothServe(WsClient ws) {
    return listed("shop")
      .map(names -> assertThat(names).containsExactlyInAnyOrder("list", "report"))
      .compose(checked -> answers(ws, "shop", "report", 20))
      .map(results -> assertThat(results).as("only the node that declares it").containsOnly("old"))
      .compose(checked -> answers(ws, "shop", "list", 20))
      .map(results -> {
        assertThat(results).containsExactlyInAnyOrder("old", "new");
        return null;
      });
  }

  /** The old node stopped: report leaves the catalogue and answers NOT_FOUND, over WebSocket and HTTP alike. */
  private static Future<Void> reportGone(WsClient ws) {
    return until(() -> listed("shop"), names -> !names.contains("report"), 10_000)
      .map(names -> assertThat(names).containsExactly("list"))
      .compose(checked -> ask(ws, "r-gone", "shop", "report"))
      .compose(gone -> ask(ws, "r-never", "shop", "never_registered").map(never -> {
        assertThat(gone.getString("code")).isEqualTo("NOT_FOUND").isEqualTo(never.getString("code"));
        assertThat(gone.getString("error")).isEqualTo("unsupported function: report version 0.0.0");
        return assertThat(gone.getBoolean("can_retry")).isFalse();
      }))
      .compose(checked -> ask(ws, "r-latest", "shop", "report", "latest"))
      .map(latest -> assertThat(latest.getString("code")).isEqualTo("NOT_FOUND"))
      .compose(checked -> http.exchange(HttpMethod.POST, "/api/call", null,
        call("h-gone", "shop", "report", new JsonObject()).encode()))
      .map(overHttp -> assertThat(overHttp.json().getString("code")).isEqualTo("NOT_FOUND"))
      .compose(checked -> served("shop", "report"))
      .map(served -> assertThat(served).as("the admin API still lists it, as not served").isFalse())
      .compose(checked -> answers(ws, "shop", "list", 5))
      .map(results -> {
        assertThat(results).containsOnly("new");
        return null;
      });
  }

  /** The old node back: report is listed, served, and goes to it. */
  private static Future<Void> reportBack(WsClient ws) {
    return until(() -> listed("shop"), names -> names.contains("report"), 10_000)
      .map(names -> assertThat(names).containsExactlyInAnyOrder("list", "report"))
      .compose(checked -> answers(ws, "shop", "report", 5))
      .map(results -> assertThat(results).containsOnly("old"))
      .compose(checked -> served("shop", "report"))
      .map(served -> {
        assertThat(served).isTrue();
        return null;
      });
  }

  @Test
  @DisplayName("during a rolling deploy no call gets NOT_FOUND; each function goes only to the nodes declaring it")
  void rollingDeploy(VertxTestContext test) {
    ServiceNode old = node(oldVertx, "cart-old", "old", "total", "legacy");
    List<Answer> answers = new CopyOnWriteArrayList<>();
    AtomicReference<String> phase = new AtomicReference<>("old only");
    started(old).compose(v -> {
      Future<Void> loop = WsClient.open(clientVertx, gateway.port(), null)
        .compose(loopWs -> callInTurn(loopWs, phase, answers).eventually(loopWs::shutdown));
      Future<Void> deploy = WsClient.open(clientVertx, gateway.port(), null)
        .compose(ws -> overlap(ws, phase, answers).eventually(ws::shutdown))
        .compose(overlapped -> stopOld(old, phase, answers))
        .eventually(() -> {
          phase.set(null);
          return loop;
        });
      return Future.join(deploy, loop);
    }).onComplete(test.succeeding(done -> test.verify(() -> {
      assertServedThroughout(answers);
      test.completeNow();
    })));
  }

  /** The new node comes up beside the old one: coupon is listed and goes to it, and both serve the loop's calls. */
  private static Future<Void> overlap(WsClient ws, AtomicReference<String> phase, List<Answer> answers) {
    return awaitAnswers(answers, "old only", 10).compose(v -> {
      phase.set("overlap");
      return started(node(newVertx, "cart-new", "new", "total", "coupon"));
    }).compose(v -> until(() -> listed("cart"), names -> names.contains("coupon"), 10_000))
      .map(names -> assertThat(names).containsExactlyInAnyOrder("total", "legacy", "coupon"))
      .compose(checked -> answers(ws, "cart", "coupon", 10))
      .map(results -> assertThat(results).containsOnly("new"))
      .compose(checked -> awaitAnswers(answers, "overlap", 40));
  }

  /** The old node stops while the loop calls: legacy leaves the catalogue, total goes on. */
  private static Future<Void> stopOld(ServiceNode old, AtomicReference<String> phase, List<Answer> answers) {
    phase.set("stopping");
    return awaitAnswers(answers, "stopping", 1)
      .compose(v -> old.stop())
      .compose(v -> {
        phase.set("after");
        return until(() -> listed("cart"), names -> !names.contains("legacy"), 10_000);
      })
      .map(names -> assertThat(names).containsExactlyInAnyOrder("total", "coupon"))
      .compose(checked -> awaitAnswers(answers, "after", 10));
  }

  private static void assertServedThroughout(List<Answer> answers) {
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
   * records each answer with the phase it was sent in. One promise for the whole loop: a future composed per call
   * would make a chain thousands deep, whose completion overflows the stack on a fast machine.
   */
  private static Future<Void> callInTurn(WsClient ws, AtomicReference<String> phase, List<Answer> answers) {
    Promise<Void> done = Promise.promise();
    callNext(ws, phase, answers, 0, done);
    return done.future();
  }

  private static void callNext(WsClient ws, AtomicReference<String> phase, List<Answer> answers, int i,
                               Promise<Void> done) {
    String current = phase.get();
    if (current == null) {
      done.complete();
      return;
    }
    String requestType = i % 2 == 0 ? "total" : "legacy";
    ask(ws, "loop-" + i, "cart", requestType).onFailure(done::fail).onSuccess(answer -> {
      answers.add(new Answer(current, requestType, answer));
      callNext(ws, phase, answers, i + 1, done);
    });
  }

  private static Future<Void> awaitAnswers(List<Answer> answers, String phase, int count) {
    return Eventually.poll(clientVertx, () -> answered(answers, phase) >= count, 20_000,
      () -> "answers in phase " + phase + ": " + answered(answers, phase) + ", expected at least " + count);
  }

  private static long answered(List<Answer> answers, String phase) {
    return answers.stream().filter(a -> a.phase().equals(phase)).count();
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

  private static Future<Void> started(ServiceNode node) {
    return node.start().compose(v -> node.registered()).mapEmpty();
  }

  /** @return the request_types of the service that {@code /api/functions} lists */
  private static Future<Set<String>> listed(String service) {
    return http.fetch("/api/functions", null).map(reply -> reply.json().getJsonArray("functions").stream()
      .map(JsonObject.class::cast).filter(f -> f.getString("service").equals(service))
      .map(f -> f.getString("request_type")).collect(Collectors.toSet()));
  }

  /**
   * Observes every 100 ms until the observation matches, as {@code Eventually.until} does.
   *
   * @return the first observation that matches, or the last one after about {@code timeoutMs}
   */
  private static <T> Future<T> until(Supplier<Future<T>> observe, Predicate<T> done, long timeoutMs) {
    return Eventually.until(clientVertx, observe, done, timeoutMs);
  }

  private static Future<Boolean> served(String service, String requestType) {
    return http.fetch("/admin/functions", ADMIN).map(reply -> reply.json().getJsonObject(service)
      .getJsonArray(requestType).getJsonObject(0).getBoolean("served"));
  }

  /** @return the distinct results of that many calls, one at a time, each of which must succeed */
  private static Future<Set<String>> answers(WsClient ws, String service, String requestType, int calls) {
    return answersFrom(ws, service, requestType, 0, calls, new HashSet<>());
  }

  private static Future<Set<String>> answersFrom(WsClient ws, String service, String requestType, int i, int calls,
                                                 Set<String> results) {
    if (i == calls) {
      return Future.succeededFuture(results);
    }
    return ask(ws, requestType + "-" + i, service, requestType).compose(answer -> {
      assertThat(answer.getBoolean("success")).as(answer.encode()).isTrue();
      results.add(answer.getString("result"));
      return answersFrom(ws, service, requestType, i + 1, calls, results);
    });
  }

  private static Future<JsonObject> ask(WsClient ws, String requestId, String service, String requestType) {
    return ask(ws, requestId, service, requestType, null);
  }

  private static Future<JsonObject> ask(WsClient ws, String requestId, String service, String requestType,
                                        String version) {
    JsonObject call = call(requestId, service, requestType, new JsonObject());
    return ws.write(version == null ? call : call.put("version", version)).compose(written -> ws.frame(10_000));
  }

  private record Answer(String phase, String requestType, JsonObject answer) {
  }
}
