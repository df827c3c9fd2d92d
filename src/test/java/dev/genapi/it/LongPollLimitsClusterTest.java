package dev.genapi.it;

import dev.genapi.gateway.ClientLimitsOptions;
import dev.genapi.gateway.GatewayOptions;
import dev.genapi.testing.DemoCluster;
import dev.genapi.testing.Eventually;
import dev.genapi.testing.Http;
import dev.genapi.testing.LogCapture;
import dev.genapi.testing.WsClient;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClientOptions;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bounds of {@code /socket/longpoll} against hostile clients, with raw HTTP clients from their own loopback
 * addresses: long-poll sessions count against {@code max_connections_per_address} (2 here), and a session whose
 * frames pile up unpolled is closed by its byte budget (16 KiB here) while another session is served.
 */
@DisplayName("Phoenix long polling against hostile clients")
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
class LongPollLimitsClusterTest {

  private static final long WINDOW_MS = 1000;
  private static final long BUDGET = 16 * 1024;
  private static final String PATH = "/socket/longpoll?vsn=2.0.0";
  private static final String LONG_POLL_SESSIONS = "genapi_connections{transport=\"longpoll\"}";
  private static final String SLOW_DISCONNECTS = "genapi_clients_slow_disconnects";
  private static final String CLIENT_BYTES = "genapi_client_bytes";
  private static DemoCluster cluster;
  // from an address of its own, so that its connection takes no slot of the clients under test
  private static Http metrics;

  @BeforeAll
  static void start(VertxTestContext test) {
    DemoCluster.openWithMetrics(new GatewayOptions().setClientLimits(new ClientLimitsOptions()
        .setMaxConnectionsPerAddress(2).setLongPollWindowMs(WINDOW_MS).setMaxConnectionBytes(BUDGET)
        .setSlowClientTimeoutMs(200)))
      .onComplete(test.succeeding(started -> {
        cluster = started;
        metrics = from("127.0.0.9");
        test.completeNow();
      }));
  }

  @AfterAll
  static void stop(VertxTestContext test) {
    metrics.shutdown().eventually(cluster::shutdown).onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("two sessions fill an address's two slots: a third handshake and a WebSocket answer 503 while the "
    + "polled one lives; once the other idles out, a handshake opens a session again")
  void sessionsPerAddress(VertxTestContext test) {
    Http client = from("127.0.0.1");
    sessionsAre(0)
      .compose(v -> handshake(client))
      .compose(first -> handshake(client))
      .compose(second -> client.fetch(PATH, null).map(third -> {
          assertThat(third.status()).as("a third handshake").isEqualTo(503);
          assertThat(third.raw().toString()).isEqualTo("too many connections");
          return third;
        })
        .compose(v -> WsClient.open(cluster.clients(), cluster.port(), null).transform(ws -> {
          assertThat(ws.failed()).as("a WebSocket from the same address is refused").isTrue();
          assertThat(ws.cause()).hasStackTraceContaining("503");
          return Future.succeededFuture();
        }))
        .compose(v -> sessionsAre(2))
        .compose(v -> pollUntilSessions(client, second, 1))
        .compose(v -> handshake(client))
        .compose(again -> poll(client, second).map(polled -> check(() -> assertThat(polled.getInteger("status"))
          .as("the session kept alive by its polls").isEqualTo(204)))))
      .compose(v -> sessionsAre(0))
      .eventually(client::shutdown)
      .onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("a session that never polls the large answers it asked for is closed over its byte budget and its "
    + "memory given back; its next poll opens a new session; a session polling meanwhile is served throughout")
  void unpolledFrames(VertxTestContext test) {
    LogCapture log = LogCapture.install();
    Http hostile = from("127.0.0.2");
    Http good = from("127.0.0.3");
    sessionsAre(0)
      .compose(v -> metric(SLOW_DISCONNECTS))
      .compose(slowBefore -> handshake(good).map(token -> new Poller(good, token).start()).compose(poller -> poller
        .echoed("g1", "[\"1\",\"j\",\"lp:good\",\"phx_join\",{}]\n")
        .compose(v -> handshake(hostile))
        .compose(bad -> send(hostile, bad, "[\"1\",\"j\",\"lp:bad\",\"phx_join\",{}]\n" + bigEchoes(20))
          .map(sent -> check(() -> assertThat(sent.getInteger("status")).isEqualTo(200)))
          .compose(v -> poller.echoed("g2", ""))
          .compose(v -> Eventually.until(cluster.clients(), () -> metric(SLOW_DISCONNECTS), n -> n > slowBefore,
            10_000))
          .map(slow -> check(() -> assertThat(slow).as("closed over its budget, not idle")
            .isEqualTo(slowBefore + 1)))
          .compose(v -> poll(hostile, bad))
          .map(next -> check(() -> {
            assertThat(next.getInteger("status")).as("the closed session's next poll").isEqualTo(410);
            assertThat(next.getString("token")).isNotEqualTo(bad);
            assertThat(next.getJsonArray("messages")).isEmpty();
          })))
        .compose(v -> poller.echoed("g3", ""))
        .eventually(poller::stop)))
      .compose(v -> Eventually.until(cluster.clients(), () -> metric(CLIENT_BYTES), held -> held == 0, 10_000))
      .map(held -> check(() -> assertThat(held).as("bytes held for clients once the hostile one is gone").isZero()))
      .compose(v -> sessionsAre(0))
      .eventually(() -> Future.join(hostile.shutdown(), good.shutdown()))
      .onComplete(done -> test.verify(() -> {
        log.closeAndAssertNoStackTraces();
        if (done.failed()) {
          throw done.cause();
        }
        test.completeNow();
      }));
  }

  /** A well-behaved client: polls its session again as soon as a poll answers, and keeps every Response it got. */
  private static final class Poller {
    private final Http client;
    private final String token;
    private final List<JsonObject> responses = new CopyOnWriteArrayList<>();
    private volatile boolean stopped;
    private Future<Void> polling;

    Poller(Http client, String token) {
      this.client = client;
      this.token = token;
    }

    Poller start() {
      polling = next();
      return this;
    }

    private Future<Void> next() {
      if (stopped) {
        return Future.succeededFuture();
      }
      return poll(client, token).compose(polled -> {
        if (polled.getInteger("status") == 410) {
          return Future.failedFuture(new AssertionError("the polling session was closed"));
        }
        polled.getJsonArray("messages").stream().map(m -> new JsonArray((String) m))
          .filter(m -> "phoenix_gen_api".equals(m.getString(3))).forEach(m -> responses.add(m.getJsonObject(4)));
        return next();
      });
    }

    /** Sends the frames and an echo call with that id; done once a poll brought its answer. */
    Future<Void> echoed(String id, String before) {
      String call = "[\"1\",\"" + id + "\",\"lp:good\",\"phoenix_gen_api\",{\"request_id\":\"" + id + "\","
        + "\"service\":\"demo\",\"request_type\":\"echo\",\"args\":{\"message\":\"" + id + "\"}}]";
      return send(client, token, before + call).compose(sent -> Eventually.poll(cluster.clients(),
        () -> responses.stream().anyMatch(r -> id.equals(r.getString("request_id")) && r.getBoolean("success")),
        10_000, () -> "the echo " + id + " answered on a poll: " + responses));
    }

    /** @return done once the poll in progress answered (a failed poll fails it) */
    Future<Void> stop() {
      stopped = true;
      return polling;
    }
  }

  private static Void check(Runnable assertions) {
    assertions.run();
    return null;
  }

  /** An HTTP client whose connections come from that loopback address: another client address to the gateway. */
  private static Http from(String address) {
    return new Http(cluster.clients(), cluster.port(), new HttpClientOptions().setLocalAddress(address));
  }

  private static Future<String> handshake(Http client) {
    return client.fetch(PATH, null).map(reply -> {
      assertThat(reply.status()).isEqualTo(200);
      assertThat(reply.json().getInteger("status")).as("a new session").isEqualTo(410);
      return reply.json().getString("token");
    });
  }

  private static Future<JsonObject> poll(Http client, String token) {
    return client.fetch(PATH + "&token=" + token, null).map(Http.Reply::json);
  }

  private static Future<JsonObject> send(Http client, String token, String frames) {
    return client.exchange(HttpMethod.POST, PATH + "&token=" + token, null, frames).map(Http.Reply::json);
  }

  /** That many echo calls of 2500 characters each (echo takes 3000): their answers pile up past the budget. */
  private static String bigEchoes(int n) {
    String message = "x".repeat(2500);
    return IntStream.range(0, n).mapToObj(i -> "[\"1\",\"b" + i + "\",\"lp:bad\",\"phoenix_gen_api\","
        + "{\"request_id\":\"b" + i + "\",\"service\":\"demo\",\"request_type\":\"echo\",\"args\":{\"message\":\""
        + message + "\"}}]")
      .collect(Collectors.joining("\n"));
  }

  /** Polls the session, as its client would, until the gateway counts that many long-poll sessions. */
  private static Future<Void> pollUntilSessions(Http client, String token, int n) {
    return Eventually.until(cluster.clients(), () -> poll(client, token).compose(polled -> metric(LONG_POLL_SESSIONS)),
        open -> open == n, 10_000)
      .map(open -> {
        assertThat(open).as("long-poll sessions").isEqualTo(n);
        return null;
      });
  }

  private static Future<Void> sessionsAre(int n) {
    return Eventually.until(cluster.clients(), () -> metric(LONG_POLL_SESSIONS), open -> open == n, 10_000)
      .map(open -> {
        assertThat(open).as(LONG_POLL_SESSIONS).isEqualTo(n);
        return null;
      });
  }

  /** @return the value of that series in {@code GET /metrics} */
  private static Future<Double> metric(String series) {
    return metrics.fetch("/metrics", null).map(reply -> {
      assertThat(reply.status()).isEqualTo(200);
      List<String> lines = reply.raw().toString().lines().filter(line -> line.startsWith(series + " ")).toList();
      assertThat(lines).as(series + " in /metrics").hasSize(1);
      return Double.parseDouble(lines.get(0).substring(series.length() + 1).trim());
    });
  }
}
