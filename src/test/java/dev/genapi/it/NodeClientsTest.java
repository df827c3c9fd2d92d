package dev.genapi.it;

import dev.genapi.demo.DemoService;
import dev.genapi.gateway.AuthOptions;
import dev.genapi.gateway.Gateway;
import dev.genapi.gateway.GatewayOptions;
import dev.genapi.node.ServiceNode;
import dev.genapi.node.ServiceNodeOptions;
import dev.genapi.testing.Jwts;
import dev.genapi.testing.NodeClients;
import dev.genapi.testing.TestCluster;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
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

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The official {@code phoenix} client and {@code sockjs-client} under Node, against an open gateway and a {@code jwt}
 * gateway, and the playground page in Debian's Chromium driven by playwright-core (screenshot kept as
 * {@code target/playground.png}).
 */
@DisplayName("Real npm clients")
@ExtendWith(VertxExtension.class)
@Timeout(value = NodeClientsTest.ONE_SCRIPT_S, timeUnit = TimeUnit.SECONDS)
class NodeClientsTest {

  /** NodeClients bounds a script at 60 s: a test waits a little longer, so that the script's own failure shows. */
  static final int ONE_SCRIPT_S = 70;
  static final int TWO_SCRIPTS_S = 130;
  private static final String PLAYGROUND_ADMIN = "playground-admin-token";

  private static Vertx vertx;
  private static Gateway open;
  private static Gateway secured;

  @BeforeAll
  static void start(VertxTestContext test) {
    TestCluster.join(TestCluster.newCluster()).compose(member -> {
      vertx = member;
      return Gateway.start(vertx, new GatewayOptions().setPort(TestCluster.freePort()).setAdminToken(PLAYGROUND_ADMIN));
    }).compose(started -> {
      open = started;
      return Gateway.start(vertx, new GatewayOptions().setPort(TestCluster.freePort())
        .setAuth(new AuthOptions().setMode(AuthOptions.MODE_JWT).setJwtSecret(Jwts.SECRET)));
    }).compose(started -> {
      secured = started;
      ServiceNode node = DemoService.registerOn(ServiceNode.create(vertx,
        new ServiceNodeOptions().setName("demo-npm")), vertx);
      return node.start().compose(v -> node.registered());
    }).onComplete(test.succeedingThenComplete());
  }

  @AfterAll
  static void stop(VertxTestContext test) {
    TestCluster.leave(vertx).onComplete(test.succeedingThenComplete());
  }

  /** @return the last line a script of {@code src/test/node} printed, as JSON; it runs on a worker thread */
  private static Future<JsonObject> node(String script, String... args) {
    return vertx.executeBlocking(() -> NodeClients.run(script, args));
  }

  @Test
  @DisplayName("the phoenix client's joins past 100 topics, or of a topic over 256 bytes, are refused with Phoenix's reasons")
  void phoenixTopicBounds(VertxTestContext test) {
    node("phoenix-joins.js", "ws://127.0.0.1:" + open.port() + "/socket", "120")
      .onComplete(test.succeeding(seen -> test.verify(() -> {
        assertThat(seen.getInteger("ok")).isEqualTo(100);
        assertThat(seen.getJsonObject("errors")).isEqualTo(new JsonObject().put("too many channels joined", 20)
          .put("topic too long", 1));
        test.completeNow();
      })));
  }

  @Test
  @DisplayName("phoenix joins, calls echo, slow and count, cancels a slow call (CANCELLED), receives every push, "
    + "replies and heartbeats")
  void phoenix(VertxTestContext test) {
    node("phoenix-client.js", "ws://127.0.0.1:" + open.port() + "/socket")
      .onComplete(test.succeeding(seen -> test.verify(() -> {
        assertPhoenixSession(seen);
        test.completeNow();
      })));
  }

  private static void assertPhoenixSession(JsonObject seen) {
    assertThat(seen.getValue("join")).isEqualTo("ok");
    assertThat(seen.getInteger("heartbeats")).isPositive();
    JsonObject replies = seen.getJsonObject("replies");
    assertThat(replies.getJsonObject("e1")).isEqualTo(new JsonObject().put("status", "ok").put("response", "echo"));
    assertThat(replies.getJsonObject("bad").getString("status")).isEqualTo("error");
    assertThat(replies.getJsonObject("bad").getJsonObject("response").getString("reason"))
      .isEqualTo("Invalid request: Missing required fields: request_type, service");
    List<JsonObject> pushes = pushes(seen);
    assertThat(of(pushes, "e1").get(0).getJsonObject("result").getString("message")).isEqualTo("hi from phoenix");
    assertThat(of(pushes, "s1")).extracting(p -> p.getBoolean("async")).containsExactly(true, false);
    assertThat(of(pushes, "s1").get(1).getJsonObject("result").getInteger("slept")).isEqualTo(50);
    assertThat(of(pushes, "c1")).extracting(p -> p.getValue("result")).containsExactly("init", 1, 2, 3, null);
    assertThat(of(pushes, "bad").get(0).getString("code")).isEqualTo("INVALID_REQUEST");
    assertThat(replies.getJsonObject("cancel").getString("status")).isEqualTo("ok");
    assertThat(of(pushes, "k1")).extracting(p -> p.getBoolean("async"), p -> p.getString("code"))
      .containsExactly(tuple(true, null), tuple(false, "CANCELLED"));
  }

  @Test
  @DisplayName("a Phoenix join with a forged token is refused; with a valid one, calls run as its subject")
  @Timeout(value = TWO_SCRIPTS_S, timeUnit = TimeUnit.SECONDS)
  void phoenixJoinToken(VertxTestContext test) {
    String forged = Jwts.token(vertx, "another-secret-of-enough-length-987654", "eve", new JsonArray(), 600);
    String valid = Jwts.token(vertx, Jwts.SECRET, "carol", new JsonArray(), 600);
    node("phoenix-client.js", "ws://127.0.0.1:" + secured.port() + "/socket", forged)
      .map(refused -> assertThat(refused.getJsonObject("join")).isEqualTo(new JsonObject().put("reason", "unauthorized")))
      .compose(v -> node("phoenix-client.js", "ws://127.0.0.1:" + secured.port() + "/socket", valid))
      .onComplete(test.succeeding(joined -> test.verify(() -> {
        assertThat(joined.getValue("join")).isEqualTo("ok");
        assertThat(of(pushes(joined), "e1").get(0).getBoolean("success")).isTrue();
        test.completeNow();
      })));
  }

  @Test
  @DisplayName("sockjs-client calls echo over WebSocket and over xhr-streaming")
  @Timeout(value = TWO_SCRIPTS_S, timeUnit = TimeUnit.SECONDS)
  void sockJs(VertxTestContext test) {
    sockJsEchoesFrom(List.of("websocket", "xhr-streaming"), 0).onComplete(test.succeedingThenComplete());
  }

  /** Runs sockjs-client over the transports from the i-th on, one after another, checking each run. */
  private static Future<Void> sockJsEchoesFrom(List<String> transports, int i) {
    if (i == transports.size()) {
      return Future.succeededFuture();
    }
    String transport = transports.get(i);
    return node("sockjs-client.js", "http://127.0.0.1:" + open.port() + "/sockjs", transport).compose(seen -> {
      assertThat(seen.getBoolean("open")).as(transport).isTrue();
      assertThat(seen.getString("transport")).isEqualTo(transport);
      assertThat(seen.getJsonArray("frames").getJsonObject(0).getJsonObject("result").getString("message"))
        .isEqualTo("hi from sockjs");
      return sockJsEchoesFrom(transports, i + 1);
    });
  }

  @Test
  @DisplayName("a SockJS session with a forged token gets UNAUTHENTICATED and is closed")
  void sockJsForgedToken(VertxTestContext test) {
    String forged = Jwts.token(vertx, "another-secret-of-enough-length-987654", "eve", new JsonArray(), 600);
    node("sockjs-client.js", "http://127.0.0.1:" + secured.port() + "/sockjs", "websocket", forged)
      .onComplete(test.succeeding(seen -> test.verify(() -> {
        assertThat(seen.getJsonArray("frames").getJsonObject(0).getString("code")).isEqualTo("UNAUTHENTICATED");
        assertThat(seen.getJsonObject("close")).isNotNull();
        test.completeNow();
      })));
  }

  @Test
  @DisplayName("the playground, in headless Chromium, lists the functions, fills a form from its sample call, shows "
    + "the frames of echo, count, a push and that sample, and explains a call")
  void playgroundInChromium(VertxTestContext test) throws Exception {
    Path screenshot = Path.of("target", "playground.png").toAbsolutePath();
    Files.deleteIfExists(screenshot);
    node("playground.js", "http://127.0.0.1:" + open.port() + "/", screenshot.toString(), PLAYGROUND_ADMIN)
      .onComplete(test.succeeding(seen -> test.verify(() -> {
        assertPlaygroundSession(seen);
        assertThat(Files.size(screenshot)).isGreaterThan(1000);
        test.completeNow();
      })));
  }

  private static void assertPlaygroundSession(JsonObject seen) {
    assertThat(seen.getJsonArray("functions")).contains("demo/echo/0.0.0", "demo/count/0.0.0", "demo/get_user/2.0.0");
    List<JsonObject> frames = seen.getJsonArray("frames").stream().map(String.class::cast)
      .filter(text -> !text.startsWith("→")).map(text -> new JsonObject(text.replaceFirst("^push → ", ""))).toList();
    assertThat(of(frames, "play-1").get(0).getJsonObject("result").getString("message")).isEqualTo("hi from chromium");
    assertThat(of(frames, "play-2")).extracting(f -> f.getValue("result")).containsExactly("init", 1, 2, 3, null);
    assertThat(frames).filteredOn(f -> "user".equals(f.getString("push"))).singleElement()
      .satisfies(push -> assertThat(push.getJsonObject("result").getString("message")).isEqualTo("pushed to the page"));
    JsonObject sample = seen.getJsonObject("sample");
    assertThat(new JsonObject(sample.getString("shown"))).isEqualTo(new JsonObject("""
      {"request_id":"sample-get_user","service":"demo","request_type":"get_user","version":"2.0.0",
       "args":{"id":"text","fields":["text"]}}"""));
    assertThat(List.of(sample.getString("id"), new JsonArray(sample.getString("fields")))).containsExactly("text",
      new JsonArray().add("text"));
    assertThat(of(frames, "play-4").get(0).getJsonObject("result"))
      .isEqualTo(new JsonObject().put("id", "text").put("version", 2).put("fields", new JsonArray().add("text")));
    JsonObject explanation = seen.getJsonObject("explanation");
    assertThat(explanation.getJsonObject("call").getString("user_id")).isEqualTo("playground-user");
    assertThat(explanation.getJsonObject("function").getString("request_type")).isEqualTo("get_profile");
    assertThat(explanation.getJsonObject("permission").getString("code")).as("asks for another user's profile")
      .isEqualTo("PERMISSION_DENIED");
  }

  private static List<JsonObject> pushes(JsonObject seen) {
    return seen.getJsonArray("pushes").stream().map(JsonObject.class::cast).toList();
  }

  private static List<JsonObject> of(List<JsonObject> pushes, String requestId) {
    return pushes.stream().filter(p -> requestId.equals(p.getString("request_id"))).toList();
  }
}
