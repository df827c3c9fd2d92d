package dev.genapi.it;

import dev.genapi.gateway.AuthOptions;
import dev.genapi.gateway.ClientLimitsOptions;
import dev.genapi.gateway.GatewayOptions;
import dev.genapi.testing.DemoCluster;
import dev.genapi.testing.Http;
import dev.genapi.testing.Jwts;
import dev.genapi.testing.NodeClients;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
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

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

/**
 * Phoenix over long polling ({@code /socket/longpoll}): the official {@code phoenix} client forced to its LongPoll
 * transport, and a raw HTTP client speaking the protocol as that client does, against a gateway whose poll window is
 * one second.
 */
@DisplayName("Phoenix long polling")
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class LongPollClusterTest {

  private static final long WINDOW_MS = 1000;
  private static DemoCluster cluster;
  private static Http http;
  private static String carol;

  @BeforeAll
  static void start(VertxTestContext test) {
    DemoCluster.open(new GatewayOptions().setClientLimits(new ClientLimitsOptions().setLongPollWindowMs(WINDOW_MS))
        .setAuth(new AuthOptions().setMode(AuthOptions.MODE_JWT).setJwtSecret(Jwts.SECRET)))
      .onComplete(test.succeeding(started -> {
        cluster = started;
        http = new Http(cluster.clients(), cluster.port());
        carol = Jwts.token(cluster.clients(), Jwts.SECRET, "carol", new JsonArray(), 600);
        test.completeNow();
      }));
  }

  @AfterAll
  static void stop(VertxTestContext test) {
    http.shutdown().eventually(cluster::shutdown).onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("the phoenix client on LongPoll joins, calls echo, slow and count, cancels a slow call and gets every "
    + "push and reply")
  void phoenixClient() {
    JsonObject seen = NodeClients.run("phoenix-client.js", "ws://127.0.0.1:" + cluster.port() + "/socket", carol,
      "longpoll");
    assertThat(seen.getValue("join")).isEqualTo("ok");
    assertThat(seen.getString("connection")).isEqualTo("LongPoll");
    JsonObject replies = seen.getJsonObject("replies");
    assertThat(replies.getJsonObject("e1")).isEqualTo(new JsonObject().put("status", "ok").put("response", "echo"));
    assertThat(replies.getJsonObject("bad").getString("status")).isEqualTo("error");
    List<JsonObject> pushes = seen.getJsonArray("pushes").stream().map(JsonObject.class::cast).toList();
    assertThat(of(pushes, "e1").get(0).getJsonObject("result").getString("message")).isEqualTo("hi from phoenix");
    assertThat(of(pushes, "s1")).extracting(p -> p.getBoolean("async")).containsExactly(true, false);
    assertThat(of(pushes, "c1")).extracting(p -> p.getValue("result")).containsExactly("init", 1, 2, 3, null);
    assertThat(replies.getJsonObject("cancel").getString("status")).isEqualTo("ok");
    assertThat(of(pushes, "k1")).extracting(p -> p.getBoolean("async"), p -> p.getString("code"))
      .containsExactly(tuple(true, null), tuple(false, "CANCELLED"));
  }

  @Test
  @DisplayName("a handshake answers 410 with a token; frames sent with it are answered on the next poll; an empty "
    + "poll answers 204 after the window")
  void protocol(VertxTestContext test) {
    handshake().compose(token -> send(token, "[\"1\",\"1\",\"lp:lobby\",\"phx_join\",{\"token\":\"" + carol
        + "\"}]\n"
        + "[\"1\",\"2\",\"lp:lobby\",\"phoenix_gen_api\",{\"request_id\":\"p1\",\"service\":\"demo\","
        + "\"request_type\":\"echo\",\"args\":{\"message\":\"polled\"}}]")
      .compose(sent -> {
        assertThat(sent.getInteger("status")).isEqualTo(200);
        return messagesUntil(token, 3, List.of());
      })
      .compose(messages -> {
        assertThat(messages).anySatisfy(m -> assertThat(m.getString(3)).isEqualTo("phx_reply"));
        assertThat(messages.stream().filter(m -> "phoenix_gen_api".equals(m.getString(3))))
          .anySatisfy(m -> assertThat(m.getJsonObject(4).getJsonObject("result").getString("message"))
            .isEqualTo("polled"));
        long started = System.currentTimeMillis();
        return poll(token).map(empty -> {
          assertThat(empty.getInteger("status")).isEqualTo(204);
          assertThat(System.currentTimeMillis() - started).as("held for the window").isGreaterThanOrEqualTo(WINDOW_MS - 100);
          return empty;
        });
      }))
      .onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("a send to an unknown session answers 410; a session no poll reached for 1.5 windows is gone")
  void unknownAndIdle(VertxTestContext test) {
    send("lp1.not-a-session", "[\"1\",\"1\",\"lp:lobby\",\"phx_join\",{}]")
      .compose(unknown -> {
        assertThat(unknown.getInteger("status")).isEqualTo(410);
        return handshake();
      })
      .compose(token -> cluster.clients().timer(WINDOW_MS * 3).compose(v -> poll(token)).map(after -> {
        assertThat(after.getInteger("status")).as("a new session").isEqualTo(410);
        assertThat(after.getString("token")).isNotEqualTo(token);
        return after;
      }))
      .onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("a handshake with a forged bearer token answers 403; with a valid one, calls run as its subject (no "
    + "token in the join) and the subject's server pushes arrive")
  void bearerToken(VertxTestContext test) {
    String forged = Jwts.token(cluster.clients(), "another-secret-of-enough-length-987654", "eve", new JsonArray(), 600);
    MultiMap forgedHeader = MultiMap.caseInsensitiveMultiMap().add("X-Phoenix-AuthToken", forged);
    http.request(HttpMethod.GET, "/socket/longpoll?vsn=2.0.0", null, null, forgedHeader)
      .compose(refused -> {
        assertThat(refused.json().getInteger("status")).isEqualTo(403);
        return http.fetch("/socket/longpoll?vsn=2.0.0&token=" + carol, null);
      })
      .map(reply -> reply.json().getString("token"))
      .compose(token -> send(token, "[\"1\",\"1\",\"lp:me\",\"phx_join\",{}]\n"
          + "[\"1\",\"2\",\"lp:me\",\"phoenix_gen_api\",{\"request_id\":\"w1\",\"service\":\"demo\","
          + "\"request_type\":\"whoami\",\"args\":{}}]\n"
          + "[\"1\",\"3\",\"lp:me\",\"phoenix_gen_api\",{\"request_id\":\"p1\",\"service\":\"demo\","
          + "\"request_type\":\"push_to_user\",\"args\":{\"user_id\":\"carol\",\"message\":\"pushed\"}}]")
        .compose(sent -> messagesUntil(token, 6, List.of())))
      .map(messages -> {
        List<JsonObject> payloads = messages.stream().filter(m -> "phoenix_gen_api".equals(m.getString(3)))
          .map(m -> m.getJsonObject(4)).toList();
        assertThat(payloads).anySatisfy(p -> assertThat(p.getString("request_id")).isEqualTo("w1"))
          .filteredOn(p -> "w1".equals(p.getString("request_id")))
          .allSatisfy(p -> assertThat(p.getJsonObject("result").getString("user_id")).isEqualTo("carol"));
        assertThat(payloads).as("the server push to carol").filteredOn(p -> "user".equals(p.getString("push")))
          .singleElement().satisfies(p -> assertThat(p.getJsonObject("result").getString("message"))
            .isEqualTo("pushed"));
        return messages;
      })
      .onComplete(test.succeedingThenComplete());
  }

  private static Future<String> handshake() {
    return http.fetch("/socket/longpoll?vsn=2.0.0", null).map(reply -> {
      assertThat(reply.status()).isEqualTo(200);
      assertThat(reply.header("Cache-Control")).isEqualTo("no-store");
      assertThat(reply.json().getInteger("status")).isEqualTo(410);
      assertThat(reply.json().getJsonArray("messages")).isEmpty();
      return reply.json().getString("token");
    });
  }

  private static Future<JsonObject> poll(String token) {
    return http.fetch("/socket/longpoll?vsn=2.0.0&token=" + token, null).map(Http.Reply::json);
  }

  private static Future<JsonObject> send(String token, String frames) {
    return http.exchange(HttpMethod.POST, "/socket/longpoll?vsn=2.0.0&token=" + token, null, frames)
      .map(Http.Reply::json);
  }

  /** Polls until at least n messages came (each a Phoenix frame), at most 10 polls. */
  private static Future<List<JsonArray>> messagesUntil(String token, int n, List<JsonArray> seen) {
    if (seen.size() >= n || seen.size() > 100) {
      return Future.succeededFuture(seen);
    }
    return poll(token).compose(answer -> {
      List<JsonArray> all = new java.util.ArrayList<>(seen);
      answer.getJsonArray("messages").forEach(m -> all.add(new JsonArray((String) m)));
      return messagesUntil(token, n, all);
    });
  }

  private static List<JsonObject> of(List<JsonObject> pushes, String id) {
    return pushes.stream().filter(p -> id.equals(p.getString("request_id"))).toList();
  }
}
