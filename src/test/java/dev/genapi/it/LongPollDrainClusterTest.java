package dev.genapi.it;

import dev.genapi.gateway.GatewayOptions;
import dev.genapi.testing.DemoCluster;
import dev.genapi.testing.Http;
import io.vertx.core.Future;
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

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gateway drains while a long-polling Phoenix client has a call in flight: the topic gets {@code phx_error}, its
 * rejoin is refused, the call's answer still arrives, and once nothing can be lost the session is closed (a poll held
 * then answers 410), so the client's next poll is told to go elsewhere (status 500: the {@code phoenix} client
 * reconnects, through the load balancer, to another gateway).
 */
@DisplayName("Drain over Phoenix long polling")
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class LongPollDrainClusterTest {

  private static DemoCluster cluster;
  private static Http http;

  @BeforeAll
  static void start(VertxTestContext test) {
    DemoCluster.open(new GatewayOptions().setDrainTimeoutMs(10_000).setDrainReconnectSpreadMs(200))
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
  @DisplayName("phx_error, a refused rejoin, the call in flight answered, then the session closed")
  void drainHandsOff(VertxTestContext test) {
    List<JsonArray> seen = new ArrayList<>();
    http.fetch("/socket/longpoll?vsn=2.0.0", null).map(reply -> reply.json().getString("token"))
      .compose(token -> send(token, frame("1", "phx_join", new JsonObject()) + "\n"
          + frame("2", "phoenix_gen_api", new JsonObject().put("request_id", "slow-1").put("service", "demo")
            .put("request_type", "slow").put("args", new JsonObject().put("ms", 1500))))
        .compose(sent -> until(token, seen, m -> "phx_reply".equals(m.getString(3)) && "2".equals(m.getString(1))))
        .compose(accepted -> {
          cluster.gateway().drain();
          return until(token, seen, m -> "phx_error".equals(m.getString(3)));
        })
        .compose(errored -> send(token, frame("3", "phx_join", new JsonObject())))
        .compose(rejoined -> until(token, seen, m -> "phx_reply".equals(m.getString(3)) && "3".equals(m.getString(1))))
        .compose(refused -> until(token, seen, m -> "phoenix_gen_api".equals(m.getString(3))
          && !m.getJsonObject(4).getBoolean("async")))
        .compose(answered -> closedSession(token, 20)))
      .map(status -> {
        JsonArray rejoin = find(seen, m -> "phx_reply".equals(m.getString(3)) && "3".equals(m.getString(1)));
        assertThat(rejoin.getJsonObject(4)).isEqualTo(new JsonObject().put("status", "error")
          .put("response", new JsonObject().put("reason", "draining")));
        JsonObject answer = find(seen, m -> "phoenix_gen_api".equals(m.getString(3))
          && !m.getJsonObject(4).getBoolean("async")).getJsonObject(4);
        assertThat(answer.getJsonObject("result").getInteger("slept")).as(answer.encode()).isEqualTo(1500);
        assertThat(status).as("a poll once the session is closed: no new session while draining").isEqualTo(500);
        return status;
      })
      .onComplete(test.succeedingThenComplete());
  }

  private static String frame(String ref, String event, JsonObject payload) {
    return new JsonArray().add("1").add(ref).add("lp:drain").add(event).add(payload).encode();
  }

  private static Future<JsonObject> send(String token, String frames) {
    return http.exchange(HttpMethod.POST, "/socket/longpoll?vsn=2.0.0&token=" + token, null, frames)
      .map(Http.Reply::json);
  }

  /** Polls, collecting every message, until one matches (at most 20 polls). */
  private static Future<JsonArray> until(String token, List<JsonArray> seen, Predicate<JsonArray> done) {
    return untilAt(token, seen, done, 20);
  }

  private static Future<JsonArray> untilAt(String token, List<JsonArray> seen,
                                           Predicate<JsonArray> done, int polls) {
    JsonArray found = find(seen, done);
    if (found != null || polls == 0) {
      return found != null ? Future.succeededFuture(found) : Future.failedFuture(new AssertionError(
        "no such message in " + seen));
    }
    return http.fetch("/socket/longpoll?vsn=2.0.0&token=" + token, null).compose(reply -> {
      reply.json().getJsonArray("messages").forEach(m -> seen.add(new JsonArray((String) m)));
      return untilAt(token, seen, done, polls - 1);
    });
  }

  /**
   * Polls until the answer is no longer the session's, nor the 410 of a poll held when it closed (that depends on
   * whether a poll was open at that moment): the status then, at most that many polls.
   */
  private static Future<Integer> closedSession(String token, int polls) {
    return http.fetch("/socket/longpoll?vsn=2.0.0&token=" + token, null).compose(reply -> {
      int status = reply.json().getInteger("status");
      return status == 200 || status == 204 || status == 410 ? (polls > 0 ? closedSession(token, polls - 1)
        : Future.failedFuture(new AssertionError("the session stayed open"))) : Future.succeededFuture(status);
    });
  }

  private static <T> T find(List<T> seen, Predicate<T> done) {
    return seen.stream().filter(done).findFirst().orElse(null);
  }
}
