package dev.genapi.hostile;

import dev.genapi.gateway.ClientLimitsOptions;
import dev.genapi.gateway.GatewayOptions;
import dev.genapi.testing.DemoCluster;
import dev.genapi.testing.Eventually;
import dev.genapi.testing.WsClient;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

import static dev.genapi.testing.WsClient.call;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Clients that ask for far more than they read: the gateway holds at most about twice their byte budget for them,
 * disconnects them with 1008, and keeps serving everyone else; past the gateway-wide budget new calls answer
 * {@code OVERLOADED}. A client that stops reading cannot see its own close until it reads again: the tests resume
 * reading once the gateway let go of it.
 */
@DisplayName("Slow readers")
@ExtendWith(VertxExtension.class)
class BackPressureTest {

  private static final long BUDGET = 1 << 20;
  private static final long GATEWAY_BUDGET = 5 * BUDGET;
  private static final long FRAME = 100_000;
  private static DemoCluster cluster;

  @BeforeAll
  static void start(VertxTestContext test) {
    DemoCluster.open(new GatewayOptions().setClientLimits(new ClientLimitsOptions()
      .setMaxConnectionBytes(BUDGET).setMaxGatewayBytes(GATEWAY_BUDGET).setSlowClientTimeoutMs(3000)))
      .onComplete(test.succeeding(started -> {
        cluster = started;
        test.completeNow();
      }));
  }

  @AfterAll
  static void stop(VertxTestContext test) {
    Future.succeededFuture().map(v -> assertThat(cluster.gateway().clientBytesPeak())
        .as("the most the gateway held for its clients").isLessThanOrEqualTo(GATEWAY_BUDGET + FRAME))
      .eventually(() -> cluster == null ? Future.succeededFuture() : cluster.shutdown())
      .onComplete(test.succeedingThenComplete());
  }

  @Test
  @Timeout(value = 70, timeUnit = TimeUnit.SECONDS) // calls for up to 30 s, two closes and the closing: 10 s each
  @DisplayName("two readers that stopped reading 20 streams of 10,000 chunks each are dropped, holding at most their budget")
  void slowReadersAreDisconnected(VertxTestContext test) {
    long before = cluster.gateway().slowClientsDisconnected();
    flood().compose(first -> flood().map(second -> List.of(first, second)))
      .compose(slow -> WsClient.open(cluster.clients(), cluster.port(), null)
        .compose(good -> servedUntilLetGo(good, before, System.currentTimeMillis() + 30_000)
          .eventually(good::shutdown))
        .map(served -> {
          assertThat(letGo(before, 2)).as("the gateway let go of the slow readers").isTrue();
          return assertThat(served).isPositive();
        })
        .compose(v -> closedWith1008OrNothing(slow))
        .map(v -> assertThat(slow).allMatch(WsClient::isClosed))
        .eventually(() -> shutdownReading(slow)))
      .onComplete(test.succeedingThenComplete());
  }

  /**
   * Calls one at a time, each answered with success, until the gateway let go of two readers or the time is up.
   * Thousands of calls: each answer starts the next call and one promise ends the loop, so that the stack stays flat
   * (a future per call composed on the next would unwind thousands of frames deep at the end).
   */
  private static Future<Integer> servedUntilLetGo(WsClient good, long before, long end) {
    Promise<Integer> done = Promise.promise();
    serveNext(good, before, end, 0, done);
    return done.future();
  }

  private static void serveNext(WsClient good, long before, long end, int served, Promise<Integer> done) {
    if (letGo(before, 2) || System.currentTimeMillis() >= end) {
      done.complete(served);
      return;
    }
    good.ask(call("g" + served, "demo", "echo", new JsonObject().put("message", "hi"))).onComplete(answered -> {
      if (answered.failed()) {
        done.fail(answered.cause());
        return;
      }
      try {
        assertThat(answered.result().getBoolean("success")).as(answered.result().encode()).isTrue();
      } catch (AssertionError e) {
        done.fail(e);
        return;
      }
      serveNext(good, before, end, served + 1, done);
    });
  }

  /** Resumes the readers, then expects each closed with 1008 or without a status, in turn, within 10 s. */
  private static Future<Void> closedWith1008OrNothing(List<WsClient> slow) {
    slow.forEach(ws -> ws.socket().resume());
    return inTurn(slow.size(), i -> slow.get(i).closed(10_000).otherwiseEmpty()
      .map(status -> assertThat(status).isIn((short) 1008, null)));
  }

  @Test
  @DisplayName("a stream waits for a reader that paused: the gateway holds about a window of it, and every chunk "
    + "of 8 streams of 10,000 arrives in order once the reader reads again")
  void streamsGoAtTheReadersPace(VertxTestContext test) {
    pausedReader().compose(ws -> {
      for (int c = 0; c < 8; c++) {
        ws.socket().writeTextMessage(call("p" + c, "demo", "count", new JsonObject().put("n", 10_000)).encode());
      }
      return cluster.clients().timer(1500)
        .map(v -> assertThat(cluster.gateway().clientBytes()).as("held while the reader pauses")
          .isLessThanOrEqualTo(BUDGET + 8 * 64 * 200 + FRAME))
        .compose(v -> {
          ws.socket().resume();
          return ws.frames(8 * 10_002, 20_000);
        })
        .map(frames -> {
          assertThat(resultsByCall(frames)).hasSize(8)
            .allSatisfy((id, chunks) -> assertThat(chunks).isEqualTo(countStream()));
          return assertThat(ws.isClosed()).isFalse();
        })
        .eventually(() -> shutdownReading(List.of(ws)));
    }).onComplete(test.succeedingThenComplete());
  }

  private static Map<String, List<Object>> resultsByCall(List<JsonObject> frames) {
    Map<String, List<Object>> results = new HashMap<>();
    for (JsonObject frame : frames) {
      results.computeIfAbsent(frame.getString("request_id"), id -> new ArrayList<>()).add(frame.getValue("result"));
    }
    return results;
  }

  /** The results of one demo count of 10,000: "init", 1 … 10,000, then the final frame's null. */
  private static List<Object> countStream() {
    List<Object> expected = new ArrayList<>(List.of("init"));
    for (int i = 1; i <= 10_000; i++) {
      expected.add(i);
    }
    expected.add(null);
    return expected;
  }

  @Test
  @Timeout(value = 45, timeUnit = TimeUnit.SECONDS) // 20 s for the gateway to let go, 10 s each for close and closing
  @DisplayName("a slow reader that reads again once the gateway gave up on it finds close 1008 after its data")
  void slowReaderSeesTheCloseCode(VertxTestContext test) {
    long before = cluster.gateway().slowClientsDisconnected();
    flood().compose(ws -> Eventually.poll(cluster.clients(), () -> letGo(before, 1), 20_000, () -> "not let go")
        .otherwiseEmpty() // as before: the close code below is what is checked
        .compose(v -> {
          ws.socket().resume();
          return ws.closed(10_000);
        })
        .map(status -> {
          assertThat(status).isEqualTo((short) 1008);
          return assertThat(ws.closeReason()).isEqualTo("slow client: over its byte budget");
        })
        .eventually(() -> shutdownReading(List.of(ws))))
      .onComplete(test.succeedingThenComplete());
  }

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS) // 20 batches of pushes, up to 20 s to let go, 10 s for the close
  @DisplayName("pushes to a user whose connection stopped reading drop that connection (1008), holding at most its "
    + "budget; another user's connection gets every push meanwhile, in order")
  void pushesToAReaderThatStopped(VertxTestContext test) {
    long before = cluster.gateway().slowClientsDisconnected();
    Future.all(smallBufferClient(), WsClient.open(cluster.clients(), cluster.port(), null),
        WsClient.open(cluster.clients(), cluster.port(), null))
      .compose(opened -> {
        WsClient stuck = opened.resultAt(0);
        WsClient other = opened.resultAt(1);
        WsClient sender = opened.resultAt(2);
        return calledAs(stuck, "stuck").compose(v -> calledAs(other, "other"))
          .compose(v -> {
            stuck.socket().pause();
            return inTurn(20, batch -> pushBatch(sender, batch));
          })
          .compose(v -> other.frames(20, 10_000))
          .map(pushes -> assertThat(pushes).extracting(push -> push.getJsonObject("result").getString("message"))
            .isEqualTo(IntStream.range(0, 20).mapToObj(i -> "m" + i).toList()))
          .compose(v -> Eventually.poll(cluster.clients(), () -> letGo(before, 1), 20_000,
            () -> "the gateway let go of the connection that stopped reading"))
          .compose(v -> {
            stuck.socket().resume();
            return stuck.closed(10_000);
          })
          .map(status -> {
            assertThat(status).isEqualTo((short) 1008);
            return assertThat(other.isClosed()).isFalse();
          })
          .eventually(() -> shutdownReading(List.of(stuck, other, sender)));
      }).onComplete(test.succeedingThenComplete());
  }

  /** A connection receives the pushes to the user it called as. */
  private static Future<Void> calledAs(WsClient ws, String user) {
    return ws.ask(call("hello", "demo", "echo", new JsonObject().put("message", "hi")).put("user_id", user))
      .map(answer -> {
        assertThat(answer.getBoolean("success")).isTrue();
        return null;
      });
  }

  /** 100 pushes of the demo's longest string to "stuck", then a small one to "other": 101 answered with success. */
  private static Future<Void> pushBatch(WsClient sender, int batch) {
    String big = "b".repeat(2900);
    List<Future<Void>> written = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      written.add(sender.write(call("s" + i, "demo", "push_to_user", new JsonObject().put("user_id", "stuck")
        .put("message", big))));
    }
    written.add(sender.write(call("o" + batch, "demo", "push_to_user", new JsonObject().put("user_id", "other")
      .put("message", "m" + batch))));
    return Future.all(written).compose(v -> sender.frames(101, 10_000))
      .map(answers -> {
        assertThat(answers).allMatch(answer -> answer.getBoolean("success"));
        return null;
      });
  }

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS) // up to 10 s to fill the budget, then 8 × 25 answers
  @DisplayName("while calls in flight hold the gateway-wide budget, new calls answer OVERLOADED (can_retry); every call"
    + " gets one final answer and nobody is disconnected")
  void gatewayBudget(VertxTestContext test) {
    String padding = "p".repeat(50_000);
    List<WsClient> busy = new ArrayList<>();
    WsClient.open(cluster.clients(), cluster.port(), null).compose(good -> inTurn(8, c -> busyClient(padding)
        .map(busy::add))
      .compose(v -> Eventually.poll(cluster.clients(), () -> cluster.gateway().clientBytes() > GATEWAY_BUDGET - 60_000,
        10_000, () -> "budget not filled").otherwiseEmpty()) // as before: the refusal below is what is checked
      .compose(v -> good.ask(call("refused", "demo", "echo", new JsonObject().put("message", "x".repeat(1000)))
        .put("padding", padding)))
      .map(refused -> {
        assertThat(refused.getString("code")).isEqualTo("OVERLOADED");
        return assertThat(refused.getBoolean("can_retry")).isTrue();
      })
      .compose(v -> outcomesOfBusyCalls(busy))
      .map(outcomes -> assertThat(outcomes).contains("ok", "OVERLOADED").containsOnly("ok", "OVERLOADED"))
      .compose(v -> good.ask(call("passes", "demo", "echo", new JsonObject().put("message", "hi"))))
      .map(passed -> assertThat(passed.getBoolean("success")).isTrue())
      .eventually(() -> Future.join(busy.stream().map(WsClient::shutdown).toList()))
      .eventually(good::shutdown))
      .onComplete(test.succeedingThenComplete());
  }

  /** A connection with 25 slow calls in flight, each with 50 kB of padding (unknown keys, held while in flight). */
  private static Future<WsClient> busyClient(String padding) {
    return WsClient.open(cluster.clients(), cluster.port(), null).map(ws -> {
      for (int i = 0; i < 25; i++) {
        ws.socket().writeTextMessage(call("s" + i, "demo", "slow", new JsonObject().put("ms", 3000))
          .put("padding", padding).encode());
      }
      return ws;
    });
  }

  /** Each busy connection in turn: 25 final answers, still open; their outcomes together. */
  private static Future<List<String>> outcomesOfBusyCalls(List<WsClient> busy) {
    List<String> outcomes = new ArrayList<>();
    return inTurn(busy.size(), i -> finalAnswers(busy.get(i), 25, new HashMap<>()).map(answers -> {
      assertThat(answers).hasSize(25);
      outcomes.addAll(answers.values());
      return assertThat(busy.get(i).isClosed()).isFalse();
    })).map(v -> outcomes);
  }

  // request_id -> "ok" or the error code, for each call's final frame (acks skipped)
  private static Future<Map<String, String>> finalAnswers(WsClient ws, int calls, Map<String, String> answers) {
    if (answers.size() >= calls) {
      return Future.succeededFuture(answers);
    }
    return ws.frame(15_000).compose(frame -> {
      if (!frame.getBoolean("async")) {
        String previous = answers.put(frame.getString("request_id"),
          frame.getBoolean("success") ? "ok" : frame.getString("code"));
        assertThat(previous).as("a second final answer to " + frame.getString("request_id")).isNull();
      }
      return finalAnswers(ws, calls, answers);
    });
  }

  // the gateway disconnected that many more slow readers and holds (about) nothing for its clients
  private static boolean letGo(long before, int readers) {
    return cluster.gateway().slowClientsDisconnected() >= before + readers
      && cluster.gateway().clientBytes() <= FRAME;
  }

  // a client that stops reading, then asks for 20 streams of 10,000 chunks (about 24 MB of frames) as fast as the
  // node can send them
  private static Future<WsClient> flood() {
    return pausedReader().map(ws -> {
      for (int i = 0; i < 20; i++) {
        ws.socket().writeTextMessage(call("count" + i, "demo", "count", new JsonObject().put("n", 10_000)).encode());
      }
      return ws;
    });
  }

  private static Future<WsClient> pausedReader() {
    return smallBufferClient().map(ws -> {
      ws.socket().pause();
      return ws;
    });
  }

  // a small receive buffer, so the kernel holds little of what the gateway writes
  private static Future<WsClient> smallBufferClient() {
    return WsClient.open(cluster.clients(), new WebSocketClientOptions().setReceiveBufferSize(32 * 1024),
      new WebSocketConnectOptions().setHost("127.0.0.1").setPort(cluster.port()).setURI("/ws"));
  }

  /**
   * Closes the connections, reading again first: a paused reader could not finish the closing handshake. A client
   * that still has megabytes to read may take long to close; after 10 s the test goes on (its own result stands) and
   * the connection is closed with the clients' Vert.x at the end.
   */
  private static Future<Void> shutdownReading(List<WsClient> clients) {
    clients.forEach(ws -> ws.socket().resume());
    return Future.join(clients.stream().map(WsClient::shutdown).toList()).timeout(10, TimeUnit.SECONDS)
      .<Void>mapEmpty().otherwiseEmpty();
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
