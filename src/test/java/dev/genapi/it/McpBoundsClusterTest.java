package dev.genapi.it;

import dev.genapi.gateway.AuthOptions;
import dev.genapi.gateway.GatewayOptions;
import dev.genapi.gateway.McpOptions;
import dev.genapi.testing.DemoCluster;
import dev.genapi.testing.Http;
import dev.genapi.testing.Jwts;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a hostile or careless client meets at {@code /mcp}, over plain HTTP: the cap on open sessions, idle expiry
 * (an open event stream keeps a session), unknown and missing sessions, other methods, wrong headers, bodies that are
 * not JSON-RPC or over the body limit, and forged tokens.
 */
@DisplayName("MCP: the bounds of /mcp")
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
@ExtendWith(VertxExtension.class)
class McpBoundsClusterTest {

  private static final long IDLE_MS = 2000;
  private static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
    + "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}";
  private static final String PING = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}";

  private static DemoCluster cluster;
  private static Http http;

  @BeforeAll
  static void start(VertxTestContext test) {
    DemoCluster.open(new GatewayOptions().setMaxPayloadBytes(2000)
        .setMcp(new McpOptions().setMaxSessions(2).setSessionIdleMs(IDLE_MS))
        .setAuth(new AuthOptions().setMode(AuthOptions.MODE_JWT).setJwtSecret(Jwts.SECRET)
          .setRequireVerifiedUserId(false)))
      .onComplete(test.succeeding(started -> {
        cluster = started;
        http = new Http(cluster.clients(), cluster.port());
        test.completeNow();
      }));
  }

  @AfterAll
  static void stop(VertxTestContext test) {
    http.shutdown().eventually(cluster::shutdown).onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("an initialize past mcp_max_sessions answers 503; a DELETE frees a place; a deleted session is 404")
  void sessionCap(VertxTestContext test) {
    Future.all(initialize(), initialize()).compose(both -> {
      String first = both.resultAt(0);
      String second = both.resultAt(1);
      return post(null, INITIALIZE)
        .map(full -> {
          assertThat(full.status()).isEqualTo(503);
          return assertThat(full.json().getJsonObject("error").getString("message")).contains("Too many MCP sessions");
        })
        .compose(v -> exchange(HttpMethod.DELETE, first, null))
        .map(deleted -> assertThat(deleted.status()).isEqualTo(200))
        .compose(v -> post(first, PING))
        .map(gone -> assertThat(gone.status()).isEqualTo(404))
        .compose(v -> initialize())
        .compose(third -> Future.all(exchange(HttpMethod.DELETE, second, null),
          exchange(HttpMethod.DELETE, third, null)));
    }).onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("a session idle past mcp_session_idle_ms is forgotten (404); one with an open event stream is kept")
  void idleExpiry(VertxTestContext test) {
    HttpClient client = cluster.clients().createHttpClient();
    Future.all(initialize(), initialize()).compose(both -> {
      String idle = both.resultAt(0);
      String listening = both.resultAt(1);
      return listen(client, listening).compose(stream -> {
        // closing the client ends the stream: that is not an error here
        stream.exceptionHandler(e -> { });
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.getHeader("Content-Type")).isEqualTo("text/event-stream");
        return pause(IDLE_MS * 2 + 500)
          .compose(v -> Future.all(post(idle, PING), post(listening, PING)))
          .map(after -> {
            assertThat(after.<Http.Reply>resultAt(0).status()).as("the idle session").isEqualTo(404);
            Http.Reply kept = after.resultAt(1);
            assertThat(kept.status()).as("the listening session").isEqualTo(200);
            assertThat(kept.header("Content-Type")).isEqualTo("text/event-stream");
            return assertThat(kept.raw().toString())
              .isEqualTo("event: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{}}\n\n");
          })
          .eventually(() -> exchange(HttpMethod.DELETE, listening, null));
      });
    }).eventually(client::close).onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("a missing session is 400, an unknown one 404, PUT 405, a wrong Accept or a non-JSON-RPC body 400, "
    + "text 415, an oversize body 413, a forged token 401")
  void badRequests(VertxTestContext test) {
    MultiMap textBody = MultiMap.caseInsensitiveMultiMap().add("Accept", "application/json, text/event-stream")
      .add("Content-Type", "text/plain");
    MultiMap jsonOnly = MultiMap.caseInsensitiveMultiMap().add("Accept", "application/json")
      .add("Content-Type", "application/json");
    Future.all(List.of(post(null, PING), post("no-such-session", PING), exchange(HttpMethod.PUT, null, null),
        http.request(HttpMethod.POST, "/mcp", null, INITIALIZE, jsonOnly), post(null, "[1,2"),
        http.request(HttpMethod.POST, "/mcp", null, INITIALIZE, textBody), post(null, "{\"pad\":\"" + "x".repeat(5000)
          + "\"}"), http.request(HttpMethod.POST, "/mcp", "forged.token.here", INITIALIZE, headers(null)),
        exchange(HttpMethod.DELETE, "no-such-session", null)))
      .map(all -> {
        List<Integer> statuses = all.<Http.Reply>list().stream().map(Http.Reply::status).toList();
        assertThat(statuses).containsExactly(400, 404, 405, 400, 400, 415, 413, 401, 404);
        assertThat(all.<Http.Reply>resultAt(0).json().getJsonObject("error").getString("message"))
          .isEqualTo("Mcp-Session-Id header required");
        return assertThat(all.<Http.Reply>resultAt(2).header("Allow")).isEqualTo("GET, POST, DELETE");
      }).onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("a request whose params do not fit its method, or of an unknown tool or method, gets a JSON-RPC error")
  void badParams(VertxTestContext test) {
    initialize().compose(session -> Future.all(List.of(
        post(session, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"demo.echo\","
          + "\"arguments\":5}}"),
        post(session, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":\"x\"}"),
        post(session, "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":{\"name\":\"nope\"}}"),
        post(session, "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"no/such\"}")))
      .eventually(() -> exchange(HttpMethod.DELETE, session, null)))
      .map(all -> {
        List<Integer> codes = all.<Http.Reply>list().stream().map(reply -> {
          String data = reply.raw().toString();
          return new JsonObject(data.substring(data.indexOf("data: ") + 6).trim())
            .getJsonObject("error").getInteger("code");
        }).toList();
        return assertThat(codes).containsExactly(-32602, -32602, -32602, -32601);
      }).onComplete(test.succeedingThenComplete());
  }

  private static Future<String> initialize() {
    return post(null, INITIALIZE).map(reply -> {
      assertThat(reply.status()).isEqualTo(200);
      assertThat(reply.json().getJsonObject("result").getJsonObject("serverInfo").getString("name"))
        .isEqualTo("genapi");
      return reply.header("Mcp-Session-Id");
    });
  }

  private static Future<Http.Reply> post(String session, String body) {
    return http.request(HttpMethod.POST, "/mcp", null, body, headers(session));
  }

  private static Future<Http.Reply> exchange(HttpMethod method, String session, String body) {
    return http.request(method, "/mcp", null, body, headers(session));
  }

  private static MultiMap headers(String session) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Accept", "application/json, text/event-stream")
      .add("Content-Type", "application/json");
    return session == null ? headers : headers.add("Mcp-Session-Id", session);
  }

  /** @return the session's event stream, open (its body is not read) */
  private static Future<HttpClientResponse> listen(HttpClient client, String session) {
    return client.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(cluster.port())
        .setURI("/mcp").putHeader("Accept", "text/event-stream").putHeader("Mcp-Session-Id", session))
      .compose(request -> request.send());
  }

  private static Future<Void> pause(long ms) {
    Promise<Void> waited = Promise.promise();
    cluster.clients().setTimer(ms, id -> waited.complete());
    return waited.future();
  }
}
