package dev.genapi.hostile;

import dev.genapi.gateway.ClientLimitsOptions;
import dev.genapi.gateway.GatewayOptions;
import dev.genapi.testing.DemoCluster;
import dev.genapi.testing.Http;
import dev.genapi.testing.WsClient;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

import static dev.genapi.testing.WsClient.call;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Connections a gateway does not take: over the per-address bound (HTTP included), from an origin that is not
 * allowed, or silent for longer than the idle timeout.
 */
@DisplayName("Connection bounds")
@ExtendWith(VertxExtension.class)
class ConnectionBoundsTest {

  private static final String ALLOWED = "https://app.example";
  private static final String PHOENIX = "/socket/websocket?vsn=2.0.0";
  private static DemoCluster cluster;

  @BeforeAll
  static void start(VertxTestContext test) {
    DemoCluster.open(new GatewayOptions().setClientLimits(new ClientLimitsOptions()
      .setMaxConnectionsPerAddress(4).setAllowedOrigins(List.of(ALLOWED))
      .setIdleTimeoutMs(1500).setPingIntervalMs(300).setMaxPhoenixTopics(3).setMaxPhoenixTopicBytes(32)
      .setPhoenixTopics(List.of("genapi:*", "lobby"))))
      .onComplete(test.succeeding(started -> {
        cluster = started;
        test.completeNow();
      }));
  }

  @AfterAll
  static void stop(VertxTestContext test) {
    (cluster == null ? Future.succeededFuture() : cluster.shutdown()).onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("a fifth connection from one address is refused with 503, HTTP included; probes still answer")
  void perAddress(VertxTestContext test) {
    List<WsClient> open = new ArrayList<>();
    inTurn(4, i -> ws("/ws", null).map(open::add))
      .compose(v -> refused(ws("/ws", null), "503", open))
      .compose(v -> httpRefusedButProbed())
      .compose(v -> open.remove(0).shutdown())
      .compose(v -> connectEventually(System.currentTimeMillis() + 5000))
      .compose(again -> again.ask(call("ok", "demo", "echo", new JsonObject().put("message", "m")))
        .map(answer -> assertThat(answer.getBoolean("success")).isTrue())
        .eventually(again::shutdown))
      .eventually(() -> Future.join(open.stream().map(WsClient::shutdown).toList()))
      .onComplete(test.succeedingThenComplete());
  }

  private static Future<Void> httpRefusedButProbed() {
    Http http = new Http(cluster.clients(), cluster.port());
    return http.exchange(HttpMethod.POST, "/api/call", null,
        call("h", "demo", "echo", new JsonObject().put("message", "m")).encode())
      .map(reply -> assertThat(reply.status()).isEqualTo(503))
      .compose(v -> http.fetch("/health/live", null))
      .map(reply -> {
        assertThat(reply.status()).isEqualTo(200);
        return (Void) null;
      })
      .eventually(http::shutdown);
  }

  /**
   * Expects the connection refused, with the status in its failure; a connection opened after all is added to the
   * ones the test closes.
   */
  private static Future<Void> refused(Future<WsClient> connecting, String status, List<WsClient> toClose) {
    return connecting.transform(connected -> {
      if (connected.succeeded()) {
        toClose.add(connected.result());
      }
      assertThat(connected.failed()).as("refused with " + status).isTrue();
      assertThat(connected.cause()).hasStackTraceContaining(status);
      return Future.succeededFuture();
    });
  }

  @Test
  @DisplayName("only allowed origins (and clients without an Origin) reach /ws, /socket/websocket, /sockjs and /api/call")
  void origins(VertxTestContext test) {
    List<String> paths = List.of("/ws", PHOENIX);
    List<WsClient> open = new ArrayList<>();
    inTurn(paths.size(), i -> refused(ws(paths.get(i), "https://evil.example"), "403", open)
        .compose(v -> ws(paths.get(i), ALLOWED))
        .compose(allowed -> Future.succeededFuture(allowed.isClosed()).eventually(allowed::shutdown))
        .map(closed -> assertThat(closed).isFalse()))
      .compose(v -> httpOrigins())
      .eventually(() -> Future.join(open.stream().map(WsClient::shutdown).toList()))
      .onComplete(test.succeedingThenComplete());
  }

  private static Future<Void> httpOrigins() {
    Http http = new Http(cluster.clients(), cluster.port());
    String body = call("o1", "demo", "echo", new JsonObject().put("message", "m")).encode();
    MultiMap evil = MultiMap.caseInsensitiveMultiMap().add("Origin", "https://evil.example")
      .add("Content-Type", "application/json");
    MultiMap good = MultiMap.caseInsensitiveMultiMap().add("Origin", ALLOWED).add("Content-Type", "application/json");
    return status(http.request(HttpMethod.POST, "/api/call", null, body, evil), 403)
      .compose(v -> status(http.request(HttpMethod.GET, "/sockjs/info", null, null, evil), 403))
      .compose(v -> status(http.request(HttpMethod.POST, "/api/call", null, body, good), 200))
      .compose(v -> status(http.request(HttpMethod.GET, "/sockjs/info", null, null, good), 200))
      .eventually(http::shutdown);
  }

  private static Future<Void> status(Future<Http.Reply> replied, int status) {
    return replied.map(reply -> {
      assertThat(reply.status()).isEqualTo(status);
      return null;
    });
  }

  @Test
  @DisplayName("a silent Phoenix socket is closed after the idle timeout; heartbeats and answered pings keep sockets open")
  void idle(VertxTestContext test) {
    ws(PHOENIX, null).compose(silent -> ws(PHOENIX, null).compose(beating -> ws("/ws", null)
      .compose(nativeWs -> inTurn(8, i -> beating.write(new JsonArray().add((Object) null).add("hb" + i)
          .add("phoenix").add("heartbeat").add(new JsonObject()).encode())
          .compose(v -> cluster.clients().timer(400)))
        .compose(v -> silent.closed(5000))
        .map(status -> {
          assertThat(status).isEqualTo((short) 1008);
          assertThat(silent.closeReason()).isEqualTo("idle timeout");
          assertThat(beating.isClosed()).isFalse();
          return assertThat(nativeWs.isClosed()).as("a native client that answers pings").isFalse();
        })
        .eventually(nativeWs::shutdown))
      .eventually(beating::shutdown))
      .eventually(silent::shutdown))
      .onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("Phoenix joins past the topic bound, over the topic length or outside the patterns get an error reply")
  void phoenixTopics(VertxTestContext test) {
    ws(PHOENIX, null).compose(ws -> joined(ws, "genapi:a", ok(), "")
      .compose(v -> joined(ws, "genapi:a", ok(), "joining again takes no new slot"))
      .compose(v -> joined(ws, "genapi:b", ok(), ""))
      .compose(v -> joined(ws, "lobby", ok(), ""))
      .compose(v -> joined(ws, "genapi:c", error("too many channels joined"), ""))
      .compose(v -> joined(ws, "room:1", error("unmatched topic"), ""))
      .compose(v -> joined(ws, "genapi:" + "t".repeat(40), error("topic too long"), ""))
      .compose(v -> ws.write(new JsonArray().add("2").add("l").add("genapi:b").add("phx_leave")
        .add(new JsonObject()).encode()))
      .compose(v -> ws.array())
      .compose(left -> joined(ws, "genapi:c", ok(), ""))
      .eventually(ws::shutdown))
      .onComplete(test.succeedingThenComplete());
  }

  /** Joins the topic and expects that reply payload. */
  private static Future<Void> joined(WsClient ws, String topic, JsonObject expected, String why) {
    return ws.write(new JsonArray().add("1").add("j").add(topic).add("phx_join").add(new JsonObject()).encode())
      .compose(v -> ws.array())
      .map(reply -> {
        assertThat(reply.getJsonObject(4)).as(why).isEqualTo(expected);
        return null;
      });
  }

  private static JsonObject ok() {
    return new JsonObject().put("status", "ok").put("response", new JsonObject());
  }

  private static JsonObject error(String reason) {
    return new JsonObject().put("status", "error").put("response", new JsonObject().put("reason", reason));
  }

  private static Future<WsClient> ws(String uri, String origin) {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(cluster.port())
      .setURI(uri);
    if (origin == null) {
      options.setAllowOriginHeader(false);
    } else {
      options.addHeader("Origin", origin);
    }
    return WsClient.open(cluster.clients(), new WebSocketClientOptions(), options);
  }

  // the gateway counts a connection closed once its TCP close is seen: attempts again at once, for up to 5 s
  private static Future<WsClient> connectEventually(long end) {
    Promise<WsClient> connected = Promise.promise();
    attempt(end, connected);
    return connected.future();
  }

  // each failure starts the next attempt and one promise ends them, so that many attempts keep the stack flat
  private static void attempt(long end, Promise<WsClient> connected) {
    ws("/ws", null).onComplete(opened -> {
      if (opened.succeeded()) {
        connected.complete(opened.result());
      } else if (System.currentTimeMillis() > end) {
        connected.fail(opened.cause());
      } else {
        attempt(end, connected);
      }
    });
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
