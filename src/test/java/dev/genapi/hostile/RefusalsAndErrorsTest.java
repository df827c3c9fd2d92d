package dev.genapi.hostile;

import dev.genapi.gateway.GatewayOptions;
import dev.genapi.ratelimit.RateLimitOptions;
import dev.genapi.testing.DemoCluster;
import dev.genapi.testing.Http;
import dev.genapi.testing.WsClient;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static dev.genapi.testing.WsClient.call;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Calls refused before they reach a node hold nothing, and bad input gets a clean answer: a clear code and text, no
 * library internals, no stack trace in the gateway's log.
 */
@DisplayName("Refused calls and bad input")
class RefusalsAndErrorsTest {

  private static DemoCluster cluster;

  @BeforeAll
  static void start() {
    cluster = DemoCluster.startWatchingLog(new GatewayOptions().setMaxInFlightPerConnection(100)
      .setRateLimits(new RateLimitOptions(new JsonObject("{\"api_limits\":[{\"service\":\"demo\","
        + "\"request_type\":\"whoami\",\"key\":\"user_id\",\"max_requests\":2,\"window_ms\":60000}]}"))));
  }

  @AfterAll
  static void stop() {
    cluster.closeAndAssertNoStackTraces();
  }

  @Test
  @DisplayName("1,100 calls refused with INVALID_ARGUMENT on a connection bounded to 100 in flight leave it serving")
  void refusalsHoldNoSlot() {
    try (WsClient ws = WsClient.connect(cluster.clients(), cluster.port())) {
      for (int i = 0; i < 1100; i++) {
        ws.send(call("bad" + i, "demo", "add", new JsonObject().put("a", "one").put("b", 2)));
      }
      for (int i = 0; i < 1100; i++) {
        JsonObject answer = ws.next();
        assertThat(answer.getString("request_id")).isEqualTo("bad" + i);
        assertThat(answer.getString("code")).isEqualTo("INVALID_ARGUMENT");
      }
      ws.send(call("good", "demo", "echo", new JsonObject().put("message", "still here")));
      assertThat(ws.next().getJsonObject("result").getString("message")).isEqualTo("still here");
    }
  }

  @Test
  @DisplayName("a RATE_LIMITED request_id can be sent again, and a finished request_id can be reused")
  void idsAreFreeOnceAnswered() {
    try (WsClient ws = WsClient.connect(cluster.clients(), cluster.port())) {
      for (int i = 0; i < 2; i++) {
        ws.send(call("same", "demo", "whoami", new JsonObject()).put("user_id", "limited-user"));
        assertThat(ws.next().getBoolean("success")).isTrue();
      }
      for (int i = 0; i < 2; i++) {
        ws.send(call("same", "demo", "whoami", new JsonObject()).put("user_id", "limited-user"));
        JsonObject answer = ws.next();
        assertThat(answer.getString("request_id")).isEqualTo("same");
        assertThat(answer.getString("code")).isEqualTo("RATE_LIMITED");
      }
    }
  }

  @Test
  @DisplayName("POST /api/call refused at once answers with its status and leaves nothing in the log")
  void httpRefusals() {
    Http http = new Http(cluster.clients(), cluster.port());
    assertThat(http.send(HttpMethod.POST, "/api/call", null, call("h1", "demo", "nope", new JsonObject()).encode())
      .json().getString("code")).isEqualTo("NOT_FOUND");
    assertThat(http.send(HttpMethod.POST, "/api/call", null,
      call("h2", "demo", "add", new JsonObject().put("a", "x")).encode()).json().getString("code"))
      .isEqualTo("INVALID_ARGUMENT");
    for (int i = 0; i < 3; i++) {
      http.send(HttpMethod.POST, "/api/call", null,
        call("h3", "demo", "whoami", new JsonObject()).put("user_id", "http-limited").encode());
    }
    Http.Reply limited = http.send(HttpMethod.POST, "/api/call", null,
      call("h3", "demo", "whoami", new JsonObject()).put("user_id", "http-limited").encode());
    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.json().getString("request_id")).isEqualTo("h3");
  }

  @Test
  @DisplayName("a malformed body is answered with where it broke, not with the parser's own text")
  void malformedJson() {
    Http http = new Http(cluster.clients(), cluster.port());
    Http.Reply broken = http.send(HttpMethod.POST, "/api/call", null, "{\"request_id\":\"m1\",\n \"service\": demo}");
    assertThat(broken.status()).isEqualTo(400);
    assertThat(broken.json().getString("request_id")).isEqualTo("m1");
    assertThat(broken.json().getString("error")).isEqualTo("Invalid request: Malformed request payload: invalid JSON"
      + " at line 2, column 18");
    try (WsClient ws = WsClient.connect(cluster.clients(), cluster.port())) {
      ws.send("{\"request_id\":\"w1\",]");
      JsonObject answer = ws.next();
      assertThat(answer.getString("request_id")).isEqualTo("w1");
      assertThat(answer.getString("error")).startsWith("Invalid request: Malformed request payload: invalid JSON at")
        .doesNotContain("Source", "REDACTED", "Jackson", "Unexpected");
    }
  }

  @Test
  @DisplayName("POST /api/call takes only application/json, so a page elsewhere cannot post a form to it")
  void onlyJsonBodies() {
    Http http = new Http(cluster.clients(), cluster.port());
    String body = call("c1", "demo", "echo", new JsonObject().put("message", "m")).encode();
    for (String type : new String[] {"text/plain", "application/x-www-form-urlencoded", null}) {
      MultiMap headers = MultiMap.caseInsensitiveMultiMap();
      if (type != null) {
        headers.add("Content-Type", type);
      }
      Http.Reply reply = http.send(HttpMethod.POST, "/api/call", null, body, headers);
      assertThat(reply.status()).as(String.valueOf(type)).isEqualTo(415);
      assertThat(reply.json().getString("code")).isEqualTo("INVALID_REQUEST");
    }
    MultiMap json = MultiMap.caseInsensitiveMultiMap().add("Content-Type", "application/json; charset=utf-8");
    assertThat(http.send(HttpMethod.POST, "/api/call", null, body, json).status()).isEqualTo(200);
  }
}
