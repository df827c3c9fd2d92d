package dev.genapi.hostile;

import dev.genapi.gateway.ClientLimitsOptions;
import dev.genapi.gateway.GatewayOptions;
import dev.genapi.testing.DemoCluster;
import dev.genapi.testing.Http;
import dev.genapi.testing.WsClient;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.genapi.testing.WsClient.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Connections a gateway does not take: over the per-address bound (HTTP included), from an origin that is not
 * allowed, or silent for longer than the idle timeout.
 */
@DisplayName("Connection bounds")
class ConnectionBoundsTest {

  private static final String ALLOWED = "https://app.example";
  private static DemoCluster cluster;

  @BeforeAll
  static void start() {
    cluster = DemoCluster.start(new GatewayOptions().setClientLimits(new ClientLimitsOptions()
      .setMaxConnectionsPerAddress(4).setAllowedOrigins(List.of(ALLOWED))
      .setIdleTimeoutMs(1500).setPingIntervalMs(300).setMaxPhoenixTopics(3).setMaxPhoenixTopicBytes(32)
      .setPhoenixTopics(List.of("genapi:*", "lobby"))));
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @Test
  @DisplayName("a fifth connection from one address is refused with 503, HTTP included; probes still answer")
  void perAddress() {
    List<WsClient> open = new ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        open.add(ws("/ws", null));
      }
      assertThatThrownBy(() -> ws("/ws", null)).hasStackTraceContaining("503");
      try (Http http = new Http(cluster.clients(), cluster.port())) {
        assertThat(http.send(HttpMethod.POST, "/api/call", null,
          call("h", "demo", "echo", new JsonObject().put("message", "m")).encode()).status()).isEqualTo(503);
        assertThat(http.get("/health/live", null).status()).isEqualTo(200);
      }
      open.remove(0).close();
      try (WsClient again = connectEventually()) {
        again.send(call("ok", "demo", "echo", new JsonObject().put("message", "m")));
        assertThat(again.next().getBoolean("success")).isTrue();
      }
    } finally {
      open.forEach(WsClient::close);
    }
  }

  @Test
  @DisplayName("only allowed origins (and clients without an Origin) reach /ws, /socket/websocket, /sockjs and /api/call")
  void origins() {
    for (String path : new String[] {"/ws", "/socket/websocket?vsn=2.0.0"}) {
      assertThatThrownBy(() -> ws(path, "https://evil.example").close()).hasStackTraceContaining("403");
      try (WsClient allowed = ws(path, ALLOWED)) {
        assertThat(allowed.isClosed()).isFalse();
      }
    }
    try (Http http = new Http(cluster.clients(), cluster.port())) {
      httpOrigins(http);
    }
  }

  private static void httpOrigins(Http http) {
    String body = call("o1", "demo", "echo", new JsonObject().put("message", "m")).encode();
    MultiMap evil = MultiMap.caseInsensitiveMultiMap().add("Origin", "https://evil.example")
      .add("Content-Type", "application/json");
    assertThat(http.send(HttpMethod.POST, "/api/call", null, body, evil).status()).isEqualTo(403);
    assertThat(http.send(HttpMethod.GET, "/sockjs/info", null, null, evil).status()).isEqualTo(403);
    MultiMap good = MultiMap.caseInsensitiveMultiMap().add("Origin", ALLOWED).add("Content-Type", "application/json");
    assertThat(http.send(HttpMethod.POST, "/api/call", null, body, good).status()).isEqualTo(200);
    assertThat(http.send(HttpMethod.GET, "/sockjs/info", null, null, good).status()).isEqualTo(200);
  }

  @Test
  @DisplayName("a silent Phoenix socket is closed after the idle timeout; heartbeats and answered pings keep sockets open")
  void idle() throws InterruptedException {
    try (WsClient silent = ws("/socket/websocket?vsn=2.0.0", null);
         WsClient beating = ws("/socket/websocket?vsn=2.0.0", null);
         WsClient nativeWs = ws("/ws", null)) {
      for (int i = 0; i < 8; i++) {
        beating.send(new JsonArray().add((Object) null).add("hb" + i).add("phoenix").add("heartbeat")
          .add(new JsonObject()).encode());
        Thread.sleep(400);
      }
      assertThat(silent.closeStatus(5000)).isEqualTo((short) 1008);
      assertThat(silent.closeReason()).isEqualTo("idle timeout");
      assertThat(beating.isClosed()).isFalse();
      assertThat(nativeWs.isClosed()).as("a native client that answers pings").isFalse();
    }
  }

  @Test
  @DisplayName("Phoenix joins past the topic bound, over the topic length or outside the patterns get an error reply")
  void phoenixTopics() {
    try (WsClient ws = ws("/socket/websocket?vsn=2.0.0", null)) {
      assertThat(join(ws, "genapi:a")).isEqualTo(ok());
      assertThat(join(ws, "genapi:a")).as("joining again takes no new slot").isEqualTo(ok());
      assertThat(join(ws, "genapi:b")).isEqualTo(ok());
      assertThat(join(ws, "lobby")).isEqualTo(ok());
      assertThat(join(ws, "genapi:c")).isEqualTo(error("too many channels joined"));
      assertThat(join(ws, "room:1")).isEqualTo(error("unmatched topic"));
      assertThat(join(ws, "genapi:" + "t".repeat(40))).isEqualTo(error("topic too long"));
      ws.send(new JsonArray().add("2").add("l").add("genapi:b").add("phx_leave").add(new JsonObject()).encode());
      ws.nextArray();
      assertThat(join(ws, "genapi:c")).isEqualTo(ok());
    }
  }

  private static JsonObject join(WsClient ws, String topic) {
    ws.send(new JsonArray().add("1").add("j").add(topic).add("phx_join").add(new JsonObject()).encode());
    return ws.nextArray().getJsonObject(4);
  }

  private static JsonObject ok() {
    return new JsonObject().put("status", "ok").put("response", new JsonObject());
  }

  private static JsonObject error(String reason) {
    return new JsonObject().put("status", "error").put("response", new JsonObject().put("reason", reason));
  }

  private static WsClient ws(String uri, String origin) {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(cluster.port())
      .setURI(uri);
    if (origin == null) {
      options.setAllowOriginHeader(false);
    } else {
      options.addHeader("Origin", origin);
    }
    return WsClient.connect(cluster.clients(), new WebSocketClientOptions(), options);
  }

  // the gateway counts a connection closed once its TCP close is seen
  private static WsClient connectEventually() {
    long end = System.currentTimeMillis() + 5000;
    while (true) {
      try {
        return ws("/ws", null);
      } catch (RuntimeException e) {
        if (System.currentTimeMillis() > end) {
          throw e;
        }
      }
    }
  }
}
