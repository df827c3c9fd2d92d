package dev.genapi.it;

import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.genapi.api.ErrorCode;
import dev.genapi.api.FunConfig;
import dev.genapi.api.GenApiException;
import dev.genapi.cluster.ClusterOptions;
import dev.genapi.config.ConfigService;
import dev.genapi.demo.DemoService;
import dev.genapi.dispatch.Hooks;
import dev.genapi.gateway.Gateway;
import dev.genapi.gateway.GatewayOptions;
import dev.genapi.node.ServiceNode;
import dev.genapi.node.ServiceNodeOptions;
import dev.genapi.protocol.Request;
import dev.genapi.protocol.Response;
import dev.genapi.ratelimit.RateLimitOptions;
import dev.genapi.testing.Http;
import dev.genapi.testing.LogCapture;
import dev.genapi.testing.TestCluster;
import dev.genapi.testing.WsClient;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.genapi.testing.WsClient.call;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gateway and two service nodes in two clustered Vert.x instances (one Hazelcast cluster on 127.0.0.1), driven by
 * a real WebSocket client.
 */
@DisplayName("A gateway clustered with service nodes")
@ExtendWith(VertxExtension.class)
class GatewayClusterTest {

  private static Vertx gatewayVertx;
  private static Vertx nodeVertx;
  private static Vertx clientVertx;
  private static Gateway gateway;
  private static ServiceNode testNode;
  private static final AtomicInteger flakyAttempts = new AtomicInteger();
  private static final AtomicInteger hopelessAttempts = new AtomicInteger();
  private static final Promise<Boolean> nodeSawCancel = Promise.promise();
  private WsClient ws;

  @BeforeAll
  static void startCluster(VertxTestContext test) {
    ClusterOptions cluster = TestCluster.newCluster();
    clientVertx = Vertx.vertx();
    TestCluster.join(cluster, 2).compose(members -> {
      gatewayVertx = members.get(0);
      nodeVertx = members.get(1);
      return Gateway.start(gatewayVertx, gatewayOptions(), hooks());
    }).compose(started -> {
      gateway = started;
      ServiceNode demo = DemoService.registerOn(
        ServiceNode.create(nodeVertx, new ServiceNodeOptions().setName("demo-node")), nodeVertx);
      return demo.start().compose(v -> demo.registered());
    }).compose(demoRegistered -> {
      testNode = testNode();
      return testNode.start().compose(v -> testNode.registered());
    }).onComplete(test.succeedingThenComplete());
  }

  private static GatewayOptions gatewayOptions() {
    return new GatewayOptions().setPort(TestCluster.freePort()).setMaxPayloadBytes(4096).setMaxInFlightPerFunction(3)
      .setRateLimits(new RateLimitOptions(new JsonObject("{\"api_limits\":[{\"service\":\"test\","
        + "\"request_type\":\"limited\",\"key\":\"user_id\",\"max_requests\":5,\"window_ms\":2000},"
        + "{\"service\":\"test\",\"request_type\":\"ordered\",\"key\":\"user_id\",\"max_requests\":3,"
        + "\"window_ms\":60000}]}")));
  }

  private static Hooks hooks() {
    return new Hooks()
      .before("stamp", (request, function) -> Future.succeededFuture(request.withArgs(
        request.args().copy().put("message", "stamped " + request.args().getString("message")))))
      .before("deny", (request, function) -> Future.failedFuture(
        new GenApiException(ErrorCode.PERMISSION_DENIED, "not today")))
      .before("stuck", (request, function) -> Promise.<Request>promise().future())
      .after("wrap", (request, function, response) -> Future.succeededFuture(
        Response.ok(response.requestId(), new JsonObject().put("wrapped", response.toJson().getValue("result")))));
  }

  /** @return the node of the service test: its functions time out, fail, stream, go through hooks, retry */
  private static ServiceNode testNode() {
    ServiceNode node = ServiceNode.create(nodeVertx, new ServiceNodeOptions().setName("test-node"))
      .register(fun("{'request_type':'hang','timeout':300}"), call -> Promise.promise().future())
      .register(fun("{'request_type':'broken_stream','response_type':'stream'}"), call -> {
        call.stream().write(1);
        return Future.failedFuture(GenApiException.internal("stream broke"));
      })
      .register(fun("{'request_type':'ghost','nodes':['nobody']}"), call -> Future.succeededFuture("boo"))
      .register(fun("{'request_type':'endless','response_type':'stream','timeout':300}"), call -> {
        call.stream().write("tick");
        return Promise.promise().future();
      })
      .register(fun("{'request_type':'silent_failure','response_type':'none'}"),
        call -> Future.failedFuture("nobody hears this"))
      .register(fun("{'request_type':'hooked','before_hook':'stamp','after_hook':'wrap','arg_types':{'message':'string'}}"),
        call -> Future.succeededFuture(call.args().getString("message")))
      .register(fun("{'request_type':'denied','before_hook':'deny'}"), call -> Future.succeededFuture("no"))
      .register(fun("{'request_type':'stuck_hook','before_hook':'stuck','hook_timeout':200}"),
        call -> Future.succeededFuture("no"))
      .register(fun("{'request_type':'info','request_info':true}"), call -> Future.succeededFuture(
        new JsonObject().put("user", call.userId()).put("device", call.deviceId()).put("id", call.requestId())))
      .register(fun("{'request_type':'guarded','check_permission':'any_authenticated','after_hook':'wrap'}"),
        call -> Future.succeededFuture("secret"));
    return registerRetriesLimitsAndStreams(node);
  }

  private static ServiceNode registerRetriesLimitsAndStreams(ServiceNode node) {
    return node
      .register(fun("{'request_type':'flaky','retry':{'mode':'same_node','count':2},'timeout':1000,"
        + "'idempotent':true}"),
        call -> flakyAttempts.incrementAndGet() % 3 == 0 ? Future.succeededFuture("third time lucky")
          : Future.failedFuture("not yet"))
      .register(fun("{'request_type':'hopeless','retry':1,'idempotent':true}"), call -> {
        hopelessAttempts.incrementAndGet();
        return Future.failedFuture("never");
      })
      .register(fun("{'request_type':'limited'}"), call -> Future.succeededFuture("ok"))
      .register(fun("{'request_type':'ordered','check_permission':{'mode':'arg','arg':'owner'},"
        + "'arg_types':{'owner':'string','n':'num'}}"), call -> Future.succeededFuture("ok"))
      .register(fun("{'request_type':'cancellable','response_type':'async','timeout':10000}"), call -> {
        call.onCancel(() -> nodeSawCancel.tryComplete(call.cancelled()));
        return Promise.promise().future();
      })
      .register(fun("{'request_type':'burst','response_type':'stream'}"), call -> {
        boolean full = false;
        for (int i = 1; i <= 5000; i++) {
          call.stream().write(i);
          full |= call.stream().writeQueueFull();
        }
        return Future.succeededFuture(full ? "queue was full" : "never full");
      })
      .register(fun("{'request_type':'no_info'}"), call -> Future.succeededFuture(
        new JsonObject().put("user", call.userId()).put("id", call.requestId())));
  }

  @AfterAll
  static void stopCluster(VertxTestContext test) {
    TestCluster.leave(clientVertx, nodeVertx, gatewayVertx).onComplete(test.succeedingThenComplete());
  }

  @BeforeEach
  void connect(VertxTestContext test) {
    WsClient.open(clientVertx, gateway.port(), null).onSuccess(opened -> ws = opened)
      .onComplete(test.succeedingThenComplete());
  }

  @AfterEach
  void disconnect(VertxTestContext test) {
    ws.shutdown().onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("echo answers one sync frame with every key")
  void echo(VertxTestContext test) {
    ws.ask(call("e1", "demo", "echo", new JsonObject().put("message", "hi")))
      .onComplete(test.succeeding(answer -> test.verify(() -> {
        assertThat(answer).isEqualTo(new JsonObject("{\"request_id\":\"e1\",\"success\":true,"
          + "\"result\":{\"message\":\"hi\"},\"error\":null,\"code\":null,\"async\":false,\"has_more\":false,"
          + "\"can_retry\":false}"));
        test.completeNow();
      })));
  }

  @Test
  @DisplayName("add returns the sum as a number")
  void add(VertxTestContext test) {
    ws.ask(call("a1", "demo", "add", new JsonObject().put("a", 2).put("b", 3)))
      .map(sum -> assertThat(sum.getValue("result")).isEqualTo(5))
      .compose(v -> ws.ask(call("a2", "demo", "add", new JsonObject().put("a", 1.5).put("b", 2))))
      .onComplete(test.succeeding(sum -> test.verify(() -> {
        assertThat(sum.getValue("result")).isEqualTo(3.5);
        test.completeNow();
      })));
  }

  @Test
  @DisplayName("slow answers an ack at once, then the result")
  void slowAsync(VertxTestContext test) {
    ws.write(call("s1", "demo", "slow", new JsonObject().put("ms", 50)))
      .compose(v -> ws.frames(2, WsClient.FRAME_TIMEOUT_MS))
      .onComplete(test.succeeding(frames -> test.verify(() -> {
        assertThat(frames.get(0)).isEqualTo(frame("s1", true, null, true, false));
        assertThat(frames.get(1)).isEqualTo(frame("s1", true, new JsonObject().put("slept", 50), false, false));
        test.completeNow();
      })));
  }

  @Test
  @DisplayName("count streams init, flat chunks 1..n and an end frame")
  void countStream(VertxTestContext test) {
    ws.write(call("c1", "demo", "count", new JsonObject().put("n", 3)))
      .compose(v -> ws.frames(5, 10_000))
      .onComplete(test.succeeding(frames -> test.verify(() -> {
        assertThat(frames).containsExactly(
          frame("c1", true, "init", true, true),
          frame("c1", true, 1, true, true),
          frame("c1", true, 2, true, true),
          frame("c1", true, 3, true, true),
          frame("c1", true, null, true, false));
        test.completeNow();
      })));
  }

  @Test
  @DisplayName("notify sends no frame on success")
  void notifySendsNothing(VertxTestContext test) {
    ws.write(call("n1", "demo", "notify", new JsonObject().put("message", "hello")))
      .compose(v -> ws.ask(new JsonObject().put("op", "ping")))
      .map(pong -> assertThat(pong).isEqualTo(new JsonObject().put("op", "pong")))
      .compose(v -> ws.quiet(300))
      .onComplete(test.succeeding(late -> test.verify(() -> {
        assertThat(late).isEmpty();
        test.completeNow();
      })));
  }

  @Test
  @DisplayName("an unknown function answers NOT_FOUND with the original's text")
  void unknownFunction(VertxTestContext test) {
    ws.ask(call("u1", "demo", "nope", new JsonObject())).onComplete(test.succeeding(error -> test.verify(() -> {
      assertThat(error.getString("code")).isEqualTo("NOT_FOUND");
      assertThat(error.getString("error")).isEqualTo("unsupported function: nope version 0.0.0");
      assertThat(error.getBoolean("success")).isFalse();
      test.completeNow();
    })));
  }

  @Test
  @DisplayName("versions are looked up exactly")
  void exactVersions(VertxTestContext test) {
    ws.ask(call("v1", "demo", "get_user", new JsonObject().put("id", "7")).put("version", "1.0.0"))
      .map(v1 -> assertThat(v1.getJsonObject("result"))
        .isEqualTo(new JsonObject().put("id", "7").put("name", "User 7")))
      .compose(v -> ws.ask(call("v2", "demo", "get_user", new JsonObject().put("id", "7")
        .put("fields", new JsonArray().add("a"))).put("version", "2.0.0")))
      .map(v2 -> assertThat(v2.getJsonObject("result"))
        .isEqualTo(new JsonObject().put("id", "7").put("version", 2).put("fields", new JsonArray().add("a"))))
      .compose(v -> ws.ask(call("v3", "demo", "get_user", new JsonObject().put("id", "7"))))
      .onComplete(test.succeeding(v3 -> test.verify(() -> {
        assertThat(v3.getString("error")).isEqualTo("unsupported function: get_user version 0.0.0");
        test.completeNow();
      })));
  }

  @Test
  @DisplayName("a garbage frame answers INVALID_REQUEST and the connection stays usable")
  void garbageFrame(VertxTestContext test) {
    ws.write("{not json").compose(v -> ws.frame())
      .map(error -> {
        assertThat(error.getString("code")).isEqualTo("INVALID_REQUEST");
        assertThat(error.getString("request_id")).isEqualTo("unknown");
        return assertThat(error.getString("error")).startsWith("Invalid request: Malformed request payload");
      })
      .compose(v -> ws.ask(call("g2", "demo", "echo", new JsonObject().put("message", "still here"))))
      .onComplete(test.succeeding(echoed -> test.verify(() -> {
        assertThat(echoed.getJsonObject("result").getString("message")).isEqualTo("still here");
        test.completeNow();
      })));
  }

  @Test
  @DisplayName("an oversize frame, missing fields and an unknown op each answer INVALID_REQUEST")
  void badFrames(VertxTestContext test) {
    ws.ask(call("big", "demo", "echo", new JsonObject().put("message", "x".repeat(5000))))
      .map(oversize -> assertThat(oversize.getString("error"))
        .startsWith("Invalid request: Request payload exceeds maximum size of 4096 bytes"))
      .compose(v -> ws.ask(new JsonObject().put("request_id", "m1").put("service", "demo")))
      .map(missing -> {
        assertThat(missing.getString("error")).isEqualTo("Invalid request: Missing required fields: request_type");
        return assertThat(missing.getString("request_id")).isEqualTo("m1");
      })
      .compose(v -> ws.ask(new JsonObject().put("op", "dance")))
      .onComplete(test.succeeding(unknownOp -> test.verify(() -> {
        assertThat(unknownOp.getString("error")).isEqualTo("Invalid request: unknown op: dance");
        assertThat(ws.isClosed()).isFalse();
        test.completeNow();
      })));
  }

  @Test
  @DisplayName("a handler that throws answers INTERNAL without details, and the node logs it with the request_id")
  void failingHandler(VertxTestContext test) {
    LogCapture log = LogCapture.install();
    ws.ask(call("f1-logged", "demo", "fail", new JsonObject()))
      .map(error -> {
        assertThat(error.getString("code")).isEqualTo("INTERNAL");
        assertThat(error.getString("error")).isEqualTo("Internal Server Error");
        assertThat(error.getBoolean("can_retry")).isFalse();
        return assertThat(log.events()).filteredOn(GatewayClusterTest::failureLine).singleElement().satisfies(line -> {
          assertThat(line.getFormattedMessage()).contains("demo failure");
          assertThat(line.getMDCPropertyMap()).containsEntry("request_id", "f1-logged");
          assertThat(line.getThrowableProxy().getClassName()).isEqualTo(IllegalStateException.class.getName());
        });
      })
      .eventually(() -> {
        log.close();
        return Future.succeededFuture();
      })
      .onComplete(test.succeedingThenComplete());
  }

  private static boolean failureLine(ILoggingEvent event) {
    return event.getLoggerName().equals(ServiceNode.class.getName())
      && event.getFormattedMessage().contains("f1-logged");
  }

  @Test
  @DisplayName("a node that never answers yields TIMEOUT after the function's timeout")
  void timeout(VertxTestContext test) {
    ws.ask(call("t1", "test", "hang", new JsonObject())).onComplete(test.succeeding(error -> test.verify(() -> {
      assertThat(error.getString("code")).isEqualTo("TIMEOUT");
      assertThat(error.getString("error")).isEqualTo("Request timed out after 300ms");
      assertThat(error.getBoolean("can_retry")).isTrue();
      test.completeNow();
    })));
  }

  @Test
  @DisplayName("a function whose nodes are all gone answers UNAVAILABLE")
  void unavailable(VertxTestContext test) {
    ws.ask(call("x1", "test", "ghost", new JsonObject())).onComplete(test.succeeding(error -> test.verify(() -> {
      assertThat(error.getString("code")).isEqualTo("UNAVAILABLE");
      assertThat(error.getString("error")).isEqualTo("Service unavailable: test");
      test.completeNow();
    })));
  }

  @Test
  @DisplayName("a stream that fails ends with an error frame")
  void brokenStream(VertxTestContext test) {
    ws.write(call("b1", "test", "broken_stream", new JsonObject()))
      .compose(v -> ws.frames(3, 10_000))
      .onComplete(test.succeeding(frames -> test.verify(() -> {
        assertThat(frames.get(0).getValue("result")).isEqualTo("init");
        assertThat(frames.get(1).getValue("result")).isEqualTo(1);
        assertThat(frames.get(2).getString("code")).isEqualTo("INTERNAL");
        assertThat(frames.get(2).getBoolean("has_more")).isFalse();
        test.completeNow();
      })));
  }

  @Test
  @DisplayName("a stream that outlives its timeout ends with a TIMEOUT frame")
  void streamTimeout(VertxTestContext test) {
    ws.write(call("st", "test", "endless", new JsonObject()))
      .compose(v -> ws.frames(3, 10_000))
      .onComplete(test.succeeding(frames -> test.verify(() -> {
        assertThat(frames).extracting(f -> f.getValue("result")).containsExactly("init", "tick", null);
        assertThat(frames.get(2).getString("code")).isEqualTo("TIMEOUT");
        assertThat(frames.get(2).getBoolean("has_more")).isFalse();
        test.completeNow();
      })));
  }

  @Test
  @DisplayName("a none function sends no frame on success but still reports its failure")
  void noneFailure(VertxTestContext test) {
    ws.ask(call("nf", "test", "silent_failure", new JsonObject())).onComplete(test.succeeding(error -> test.verify(() -> {
      assertThat(error.getString("request_id")).isEqualTo("nf");
      assertThat(error.getString("code")).isEqualTo("INTERNAL");
      test.completeNow();
    })));
  }

  @Test
  @DisplayName("cancel ends an async call with CANCELLED and drops its result")
  void cancelAsync(VertxTestContext test) {
    ws.ask(call("k1", "demo", "slow", new JsonObject().put("ms", 400)))
      .map(ack -> assertThat(ack.getBoolean("async")).isTrue())
      .compose(v -> ws.ask(new JsonObject().put("op", "cancel").put("request_id", "k1")))
      .map(cancelled -> {
        assertThat(cancelled.getString("code")).isEqualTo("CANCELLED");
        return assertThat(cancelled.getString("error")).isEqualTo("Cancelled");
      })
      .compose(v -> ws.quiet(700))
      .onComplete(test.succeeding(late -> test.verify(() -> {
        assertThat(late).isEmpty();
        test.completeNow();
      })));
  }

  @Test
  @DisplayName("a client's cancel reaches the node: its onCancel runs and cancelled() is true")
  void cancelReachesTheNode(VertxTestContext test) {
    ws.ask(call("k3", "test", "cancellable", new JsonObject()))
      .map(ack -> assertThat(ack.getBoolean("async")).isTrue())
      .compose(v -> ws.ask(new JsonObject().put("op", "cancel").put("request_id", "k3")))
      .map(cancelled -> assertThat(cancelled.getString("code")).isEqualTo("CANCELLED"))
      .compose(v -> nodeSawCancel.future().timeout(5, TimeUnit.SECONDS))
      .onComplete(test.succeeding(sawCancelled -> test.verify(() -> {
        assertThat(sawCancelled).as("cancelled() inside onCancel").isTrue();
        test.completeNow();
      })));
  }

  @Test
  @DisplayName("cancel stops a stream: no chunk follows the CANCELLED frame")
  void cancelStream(VertxTestContext test) {
    ws.ask(call("k2", "demo", "count", new JsonObject().put("n", 1000).put("interval_ms", 20)))
      .map(init -> assertThat(init.getValue("result")).isEqualTo("init"))
      .compose(v -> ws.frame())
      .map(first -> assertThat(first.getValue("result")).isEqualTo(1))
      .compose(v -> ws.write(new JsonObject().put("op", "cancel").put("request_id", "k2")))
      .compose(v -> firstFailure(ws))
      .map(last -> assertThat(last.getString("code")).isEqualTo("CANCELLED"))
      .compose(v -> ws.quiet(300))
      .onComplete(test.succeeding(late -> test.verify(() -> {
        assertThat(late).isEmpty();
        test.completeNow();
      })));
  }

  /** @return the first frame that does not succeed, skipping the chunks before it */
  private static Future<JsonObject> firstFailure(WsClient ws) {
    return ws.frame().compose(next -> next.getBoolean("success") ? firstFailure(ws) : Future.succeededFuture(next));
  }

  @Test
  @DisplayName("a request_id already in flight is refused")
  void duplicateRequestId(VertxTestContext test) {
    ws.write(call("d1", "demo", "slow", new JsonObject().put("ms", 300)))
      .compose(v -> ws.write(call("d1", "demo", "slow", new JsonObject().put("ms", 300))))
      .compose(v -> ws.frames(3, 10_000))
      .onComplete(test.succeeding(frames -> test.verify(() -> {
        assertThat(frames).extracting(f -> f.getString("code")).containsExactly(null, "INVALID_REQUEST", null);
        test.completeNow();
      })));
  }

  @Test
  @DisplayName("a new config_version is callable at once, the same one is skipped, force re-applies it")
  void pushNewVersion(VertxTestContext test) {
    testNode.register(fun("{'request_type':'fresh','version':'1.0.0'}"), call -> Future.succeededFuture("v1"));
    testNode.push(false)
      .map(pushed -> {
        JsonObject first = pushed.getJsonObject("test");
        assertThat(first.getString("status")).isEqualTo("accepted");
        return assertThat(first.getJsonArray("accepted")).contains("test/fresh/1.0.0");
      })
      .compose(v -> ws.ask(call("p1", "test", "fresh", new JsonObject()).put("version", "1.0.0")))
      .map(fresh -> assertThat(fresh.getValue("result")).isEqualTo("v1"))
      .compose(v -> testNode.push(false))
      .map(again -> assertThat(again.getJsonObject("test").getString("status")).isEqualTo("skipped"))
      .compose(v -> testNode.push(true))
      .onComplete(test.succeeding(forced -> test.verify(() -> {
        assertThat(forced.getJsonObject("test").getString("status")).isEqualTo("accepted");
        test.completeNow();
      })));
  }

  @Test
  @DisplayName("verify answers matched, mismatch or not_found")
  void verify(VertxTestContext test) {
    ConfigService config = ConfigService.createProxy(nodeVertx);
    config.verify("nothing", "1", null)
      .map(unknown -> assertThat(unknown.getString("status")).isEqualTo("not_found"))
      .compose(v -> config.verify("test", "other", null))
      .compose(mismatch -> {
        assertThat(mismatch.getString("status")).isEqualTo("mismatch");
        return config.verify("test", mismatch.getString("stored"), null);
      })
      .onComplete(test.succeeding(matched -> test.verify(() -> {
        assertThat(matched.getString("status")).isEqualTo("matched");
        test.completeNow();
      })));
  }

  @Test
  @DisplayName("a before hook may rewrite the call and an after hook may replace the result")
  void hooksRewrite(VertxTestContext test) {
    ws.ask(call("h1", "test", "hooked", new JsonObject().put("message", "hi")))
      .onComplete(test.succeeding(answer -> test.verify(() -> {
        assertThat(answer.getJsonObject("result")).isEqualTo(new JsonObject().put("wrapped", "stamped hi"));
        test.completeNow();
      })));
  }

  @Test
  @DisplayName("a before hook may reject the call; one that outlives hook_timeout rejects it too")
  void hooksReject(VertxTestContext test) {
    ws.ask(call("h2", "test", "denied", new JsonObject()))
      .compose(denied -> {
        assertThat(denied.getString("code")).isEqualTo("PERMISSION_DENIED");
        assertThat(denied.getString("error")).isEqualTo("not today");
        long before = System.nanoTime();
        return ws.ask(call("h3", "test", "stuck_hook", new JsonObject())).map(stuck -> {
          assertThat(stuck.getString("code")).isEqualTo("INTERNAL");
          return assertThat((System.nanoTime() - before) / 1_000_000).isLessThan(5_000);
        });
      })
      .onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("the after hook also sees responses the pipeline produced itself, such as a denial")
  void afterHookOnDenial(VertxTestContext test) {
    ws.ask(call("h4", "test", "guarded", new JsonObject())).onComplete(test.succeeding(answer -> test.verify(() -> {
      assertThat(answer.getJsonObject("result")).isEqualTo(new JsonObject().putNull("wrapped"));
      test.completeNow();
    })));
  }

  @Test
  @DisplayName("retry re-runs a failing idempotent function: n retries mean at most n + 1 attempts")
  void retryCounts(VertxTestContext test) {
    ws.write(call("r1", "test", "flaky", new JsonObject()))
      .compose(v -> ws.frame(10_000))
      .map(lucky -> {
        assertThat(lucky.getString("result")).isEqualTo("third time lucky");
        return assertThat(flakyAttempts.get()).isEqualTo(3);
      })
      .compose(v -> ws.write(call("r2", "test", "hopeless", new JsonObject())))
      .compose(v -> ws.frame(10_000))
      .onComplete(test.succeeding(failed -> test.verify(() -> {
        assertThat(failed.getString("code")).isEqualTo("INTERNAL");
        assertThat(hopelessAttempts.get()).isEqualTo(2);
        test.completeNow();
      })));
  }

  @Test
  @DisplayName("a limit of 5 per 2 s admits exactly 5 of a burst of 20, with a shrinking retry_after_ms, then admits again")
  void rateLimit(VertxTestContext test) {
    burst(0, new Burst(0, Long.MAX_VALUE))
      .compose(burst -> {
        assertThat(burst.admitted()).isEqualTo(5);
        return ws.quiet(burst.lastRetry() + 50);
      })
      .compose(drained -> ws.ask(call("after", "test", "limited", new JsonObject()).put("user_id", "burst")))
      .onComplete(test.succeeding(after -> test.verify(() -> {
        assertThat(after.getBoolean("success")).isTrue();
        test.completeNow();
      })));
  }

  /** How many calls of the burst were admitted so far, and the retry_after_ms of the last one refused. */
  private record Burst(int admitted, long lastRetry) {
  }

  /** Sends the calls of the burst from the i-th on, one at a time, checking each refusal. */
  private Future<Burst> burst(int i, Burst sofar) {
    if (i == 20) {
      return Future.succeededFuture(sofar);
    }
    return ws.ask(call("l" + i, "test", "limited", new JsonObject()).put("user_id", "burst")).compose(answer ->
      burst(i + 1, answer.getBoolean("success") ? new Burst(sofar.admitted() + 1, sofar.lastRetry())
        : new Burst(sofar.admitted(), refusedRetry(answer, sofar.lastRetry()))));
  }

  /** @return the retry_after_ms of a refusal of the burst, once checked against the refusal before */
  private static long refusedRetry(JsonObject answer, long lastRetry) {
    assertThat(answer.getString("code")).isEqualTo("RATE_LIMITED");
    assertThat(answer.getBoolean("can_retry")).isTrue();
    long retry = answer.getLong("retry_after_ms");
    assertThat(retry).isBetween(1L, 2000L).isLessThanOrEqualTo(lastRetry);
    assertThat(answer.getString("error")).isEqualTo("Rate limit exceeded. Please retry after " + retry / 1000
      + " seconds.");
    return retry;
  }

  @Test
  @DisplayName("the permission is checked before the rate limit, the rate limit before the arguments: denied calls "
    + "spend nothing, calls with bad arguments spend the budget")
  void checkOrder(VertxTestContext test) {
    deniedFrom(0)
      .compose(v -> ordered("bad", "ordering", "one"))
      .map(bad -> assertThat(bad.getString("code")).isEqualTo("INVALID_ARGUMENT"))
      .compose(v -> ordered("ok1", "ordering", 1))
      .map(ok1 -> assertThat(ok1.getBoolean("success")).isTrue())
      .compose(v -> ordered("ok2", "ordering", 2))
      .map(ok2 -> assertThat(ok2.getBoolean("success")).isTrue())
      .compose(v -> ordered("over", "ordering", 3))
      .map(over -> assertThat(over.getString("code")).isEqualTo("RATE_LIMITED"))
      .compose(v -> ordered("over-bad", "ordering", "three"))
      .map(overBad -> assertThat(overBad.getString("code")).isEqualTo("RATE_LIMITED"))
      .compose(v -> ordered("denied-still", "someone else", 4))
      .onComplete(test.succeeding(denied -> test.verify(() -> {
        assertThat(denied.getString("code")).isEqualTo("PERMISSION_DENIED");
        test.completeNow();
      })));
  }

  /** Orders for someone else from the i-th to the fifth, one at a time, each denied. */
  private Future<Void> deniedFrom(int i) {
    if (i == 5) {
      return Future.succeededFuture();
    }
    return ordered("deny" + i, "someone else", 1).compose(answer -> {
      assertThat(answer.getString("code")).isEqualTo("PERMISSION_DENIED");
      return deniedFrom(i + 1);
    });
  }

  private Future<JsonObject> ordered(String id, String owner, Object n) {
    return ws.ask(call(id, "test", "ordered", new JsonObject().put("owner", owner).put("n", n))
      .put("user_id", "ordering"));
  }

  @Test
  @DisplayName("POST /api/call answers the final response, streams NDJSON, and maps errors to status codes")
  void httpCalls(VertxTestContext test) {
    Http http = new Http(clientVertx, gateway.port());
    httpFinalAnswers(http)
      .compose(v -> httpStream(http))
      .compose(v -> httpErrors(http))
      .compose(v -> limitedOverHttpFrom(http, 0))
      .eventually(http::shutdown)
      .onComplete(test.succeeding(limited -> test.verify(() -> {
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.json().getString("code")).isEqualTo("RATE_LIMITED");
        assertThat(Long.parseLong(limited.header("Retry-After"))).isBetween(1L, 2L);
        test.completeNow();
      })));
  }

  private static Future<Http.Reply> postCall(Http http, JsonObject call) {
    return http.exchange(HttpMethod.POST, "/api/call", null, call.encode());
  }

  /** A sync and an async call answer their final response. */
  private static Future<Void> httpFinalAnswers(Http http) {
    return postCall(http, call("http1", "demo", "echo", new JsonObject().put("message", "over http")))
      .compose(echo -> {
        assertThat(echo.status()).isEqualTo(200);
        assertThat(echo.json().getJsonObject("result").getString("message")).isEqualTo("over http");
        return postCall(http, call("http2", "demo", "slow", new JsonObject().put("ms", 10)));
      })
      .map(slow -> {
        assertThat(slow.json().getBoolean("async")).isFalse();
        assertThat(slow.json().getJsonObject("result").getInteger("slept")).isEqualTo(10);
        return null;
      });
  }

  private static Future<Void> httpStream(Http http) {
    return postCall(http, call("http3", "demo", "count", new JsonObject().put("n", 2))).map(stream -> {
      assertThat(stream.header("Content-Type")).isEqualTo("application/x-ndjson");
      assertThat(stream.raw().toString().lines().map(JsonObject::new).map(f -> f.getValue("result")))
        .containsExactly("init", 1, 2, null);
      return null;
    });
  }

  /** A broken body, a notify and an unknown function. */
  private static Future<Void> httpErrors(Http http) {
    return http.exchange(HttpMethod.POST, "/api/call", null, "{broken")
      .compose(broken -> {
        assertThat(broken.status()).isEqualTo(400);
        return postCall(http, call("http4", "demo", "notify", new JsonObject().put("message", "m")));
      })
      .compose(notified -> {
        assertThat(notified.status()).isEqualTo(204);
        return postCall(http, call("http5", "demo", "nope", new JsonObject()));
      })
      .map(missing -> {
        assertThat(missing.status()).isEqualTo(200);
        assertThat(missing.json().getString("code")).isEqualTo("NOT_FOUND");
        return null;
      });
  }

  /** @return the reply to the sixth call of limited by one user, the calls from the i-th on sent one at a time */
  private static Future<Http.Reply> limitedOverHttpFrom(Http http, int i) {
    Future<Http.Reply> reply = postCall(http,
      call("http-l" + i, "test", "limited", new JsonObject()).put("user_id", "http-user"));
    return i == 5 ? reply : reply.compose(answered -> limitedOverHttpFrom(http, i + 1));
  }

  @Test
  @DisplayName("a handler that writes 5,000 chunks without waiting sees its queue full; every chunk and the end arrive"
    + " in order")
  void burstStream(VertxTestContext test) {
    ws.write(call("b1", "test", "burst", new JsonObject()))
      .compose(v -> ws.frames(5002, 10_000))
      .onComplete(test.succeeding(frames -> test.verify(() -> {
        assertThat(frames.get(0).getString("result")).isEqualTo("init");
        for (int i = 1; i <= 5000; i++) {
          assertThat(frames.get(i).getInteger("result")).isEqualTo(i);
        }
        assertThat(frames.get(5001)).isEqualTo(frame("b1", true, "queue was full", true, false));
        test.completeNow();
      })));
  }

  @Test
  @DisplayName("request_info gives the handler the caller's user and device; without it they stay hidden")
  void requestInfo(VertxTestContext test) {
    ws.ask(call("i1", "test", "info", new JsonObject()).put("user_id", "u7").put("device_id", "d7"))
      .map(info -> assertThat(info.getJsonObject("result"))
        .isEqualTo(new JsonObject().put("user", "u7").put("device", "d7").put("id", "i1")))
      .compose(v -> ws.ask(call("i2", "test", "no_info", new JsonObject()).put("user_id", "u7")))
      .onComplete(test.succeeding(noInfo -> test.verify(() -> {
        assertThat(noInfo.getJsonObject("result")).isEqualTo(new JsonObject().putNull("user").put("id", "i2"));
        test.completeNow();
      })));
  }

  @Test
  @DisplayName("calls over the in-flight bound of a function answer OVERLOADED")
  void overloaded(VertxTestContext test) {
    hangsFrom(0)
      .compose(v -> ws.frame())
      .map(overloaded -> {
        assertThat(overloaded.getString("request_id")).isEqualTo("o3");
        assertThat(overloaded.getString("code")).isEqualTo("OVERLOADED");
        assertThat(overloaded.getString("error")).isEqualTo("Service temporarily unavailable");
        return assertThat(overloaded.getBoolean("can_retry")).isTrue();
      })
      .compose(v -> ws.frames(3, 10_000))
      .onComplete(test.succeeding(timedOut -> test.verify(() -> {
        assertThat(timedOut).extracting(f -> f.getString("code")).containsOnly("TIMEOUT");
        test.completeNow();
      })));
  }

  /** Writes the calls of hang from the i-th to the fourth, one after another. */
  private Future<Void> hangsFrom(int i) {
    if (i == 4) {
      return Future.succeededFuture();
    }
    return ws.write(call("o" + i, "test", "hang", new JsonObject())).compose(written -> hangsFrom(i + 1));
  }

  private static FunConfig fun(String json) {
    return FunConfig.fromJson(new JsonObject(json.replace('\'', '"')).put("service", "test"));
  }

  private static JsonObject frame(String id, boolean success, Object result, boolean async, boolean hasMore) {
    return new JsonObject().put("request_id", id).put("success", success).put("result", result).put("error", null)
      .put("code", null).put("async", async).put("has_more", hasMore).put("can_retry", false);
  }
}
