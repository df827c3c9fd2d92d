package dev.genapi.hostile;

import dev.genapi.gateway.GatewayOptions;
import dev.genapi.ratelimit.RateLimitOptions;
import dev.genapi.testing.DemoCluster;
import dev.genapi.testing.Http;
import dev.genapi.testing.LogCapture;
import dev.genapi.testing.WsClient;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

import static dev.genapi.testing.WsClient.call;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Calls refused before they reach a node hold nothing, and bad input gets a clean answer: a clear code and text, no
 * library internals, no stack trace in the gateway's log.
 */
@DisplayName("Refused calls and bad input")
@ExtendWith(VertxExtension.class)
class RefusalsAndErrorsTest {

  private static final int REFUSED = 1100;

  private static LogCapture log;
  private static DemoCluster cluster;

  @BeforeAll
  static void start(VertxTestContext test) {
    log = LogCapture.install();
    DemoCluster.open(new GatewayOptions().setMaxInFlightPerConnection(100)
      .setRateLimits(new RateLimitOptions(new JsonObject("{\"api_limits\":[{\"service\":\"demo\","
        + "\"request_type\":\"whoami\",\"key\":\"user_id\",\"max_requests\":2,\"window_ms\":60000}]}"))))
      .onComplete(test.succeeding(started -> {
        cluster = started;
        test.completeNow();
      }));
  }

  @AfterAll
  static void stop(VertxTestContext test) {
    Future.succeededFuture().map(v -> {
      log.closeAndAssertNoStackTraces();
      return v;
    }).eventually(() -> cluster == null ? Future.succeededFuture() : cluster.shutdown())
      .onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("1,100 calls refused with INVALID_ARGUMENT on a connection bounded to 100 in flight leave it serving")
  void refusalsHoldNoSlot(VertxTestContext test) {
    WsClient.open(cluster.clients(), cluster.port(), null).compose(ws -> Future.all(IntStream.range(0, REFUSED)
        .mapToObj(i -> ws.write(call("bad" + i, "demo", "add", new JsonObject().put("a", "one").put("b", 2))))
        .toList())
      .compose(written -> ws.frames(REFUSED, WsClient.FRAME_TIMEOUT_MS))
      .map(RefusalsAndErrorsTest::eachRefusedInOrder)
      .compose(v -> ws.ask(call("good", "demo", "echo", new JsonObject().put("message", "still here"))))
      .map(answer -> assertThat(answer.getJsonObject("result").getString("message")).isEqualTo("still here"))
      .eventually(ws::shutdown))
      .onComplete(test.succeedingThenComplete());
  }

  private static Void eachRefusedInOrder(List<JsonObject> answers) {
    for (int i = 0; i < REFUSED; i++) {
      JsonObject answer = answers.get(i);
      assertThat(answer.getString("request_id")).isEqualTo("bad" + i);
      assertThat(answer.getString("code")).isEqualTo("INVALID_ARGUMENT");
    }
    return null;
  }

  @Test
  @DisplayName("a RATE_LIMITED request_id can be sent again, and a finished request_id can be reused")
  void idsAreFreeOnceAnswered(VertxTestContext test) {
    JsonObject whoami = call("same", "demo", "whoami", new JsonObject()).put("user_id", "limited-user");
    WsClient.open(cluster.clients(), cluster.port(), null).compose(ws -> inTurn(2, i -> ws.ask(whoami)
        .map(answer -> assertThat(answer.getBoolean("success")).isTrue()))
      .compose(v -> inTurn(2, i -> ws.ask(whoami).map(answer -> {
        assertThat(answer.getString("request_id")).isEqualTo("same");
        return assertThat(answer.getString("code")).isEqualTo("RATE_LIMITED");
      })))
      .eventually(ws::shutdown))
      .onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("POST /api/call refused at once answers with its status and leaves nothing in the log")
  void httpRefusals(VertxTestContext test) {
    Http http = new Http(cluster.clients(), cluster.port());
    String limitedCall = call("h3", "demo", "whoami", new JsonObject()).put("user_id", "http-limited").encode();
    http.exchange(HttpMethod.POST, "/api/call", null, call("h1", "demo", "nope", new JsonObject()).encode())
      .map(reply -> assertThat(reply.json().getString("code")).isEqualTo("NOT_FOUND"))
      .compose(v -> http.exchange(HttpMethod.POST, "/api/call", null,
        call("h2", "demo", "add", new JsonObject().put("a", "x")).encode()))
      .map(reply -> assertThat(reply.json().getString("code")).isEqualTo("INVALID_ARGUMENT"))
      .compose(v -> inTurn(3, i -> http.exchange(HttpMethod.POST, "/api/call", null, limitedCall)))
      .compose(v -> http.exchange(HttpMethod.POST, "/api/call", null, limitedCall))
      .map(limited -> {
        assertThat(limited.status()).isEqualTo(429);
        return assertThat(limited.json().getString("request_id")).isEqualTo("h3");
      })
      .eventually(http::shutdown)
      .onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("a malformed body is answered with where it broke, not with the parser's own text")
  void malformedJson(VertxTestContext test) {
    Http http = new Http(cluster.clients(), cluster.port());
    http.exchange(HttpMethod.POST, "/api/call", null, "{\"request_id\":\"m1\",\n \"service\": demo}")
      .map(broken -> {
        assertThat(broken.status()).isEqualTo(400);
        assertThat(broken.json().getString("request_id")).isEqualTo("m1");
        return assertThat(broken.json().getString("error"))
          .isEqualTo("Invalid request: Malformed request payload: invalid JSON at line 2, column 18");
      })
      .compose(v -> WsClient.open(cluster.clients(), cluster.port(), null))
      .compose(ws -> ws.write("{\"request_id\":\"w1\",]").compose(written -> ws.frame())
        .map(answer -> {
          assertThat(answer.getString("request_id")).isEqualTo("w1");
          return assertThat(answer.getString("error"))
            .startsWith("Invalid request: Malformed request payload: invalid JSON at")
            .doesNotContain("Source", "REDACTED", "Jackson", "Unexpected");
        })
        .eventually(ws::shutdown))
      .eventually(http::shutdown)
      .onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("POST /api/call takes only application/json, so a page elsewhere cannot post a form to it")
  void onlyJsonBodies(VertxTestContext test) {
    Http http = new Http(cluster.clients(), cluster.port());
    String body = call("c1", "demo", "echo", new JsonObject().put("message", "m")).encode();
    List<String> types = Arrays.asList("text/plain", "application/x-www-form-urlencoded", null);
    MultiMap json = MultiMap.caseInsensitiveMultiMap().add("Content-Type", "application/json; charset=utf-8");
    inTurn(types.size(), i -> http.request(HttpMethod.POST, "/api/call", null, body, contentType(types.get(i)))
        .map(reply -> {
          assertThat(reply.status()).as(String.valueOf(types.get(i))).isEqualTo(415);
          return assertThat(reply.json().getString("code")).isEqualTo("INVALID_REQUEST");
        }))
      .compose(v -> http.request(HttpMethod.POST, "/api/call", null, body, json))
      .map(reply -> assertThat(reply.status()).isEqualTo(200))
      .eventually(http::shutdown)
      .onComplete(test.succeedingThenComplete());
  }

  private static MultiMap contentType(String type) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    if (type != null) {
      headers.add("Content-Type", type);
    }
    return headers;
  }

  /** Runs step 0, then step 1 once it is done, …, up to step times - 1. */
  private static Future<Void> inTurn(int times, IntFunction<Future<?>> step) {
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < times; i++) {
      int index = i;
      chain = chain.compose(v -> step.apply(index)).mapEmpty();
    }
    return chain;
  }
}
