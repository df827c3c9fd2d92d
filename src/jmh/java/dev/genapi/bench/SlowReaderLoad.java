package dev.genapi.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The slow-reader benchmark's clients: R WebSockets that stop reading and ask for S streams of 10,000 demo
 * {@code count} chunks each (1 ms apart), while one well-behaved WebSocket calls {@code echo} in a closed loop and
 * records its latency. Bounded in time; prints one JSON line with the asked bytes, how many slow readers the gateway
 * disconnected, and the well-behaved client's calls and latency.
 * Usage: {@code SlowReaderLoad <port> <readers> <streams-per-reader> <seconds>}.
 */
public final class SlowReaderLoad {

  // one count chunk frame is about this long
  private static final int CHUNK_BYTES = 120;

  private SlowReaderLoad() {
  }

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    int readers = Integer.parseInt(args[1]);
    int streams = Integer.parseInt(args[2]);
    long seconds = Long.parseLong(args[3]);
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    WebSocketClient slowClient = vertx.createWebSocketClient(new WebSocketClientOptions()
      .setReceiveBufferSize(32 * 1024));
    WebSocketClient goodClient = vertx.createWebSocketClient();
    WebSocketConnectOptions target = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/ws");
    AtomicInteger dropped = new AtomicInteger();
    List<WebSocket> slow = new ArrayList<>();
    for (int r = 0; r < readers; r++) {
      WebSocket ws = slowClient.connect(target).await();
      ws.pause();
      ws.closeHandler(v -> dropped.incrementAndGet());
      for (int s = 0; s < streams; s++) {
        ws.writeTextMessage(call("c" + s, "count", new JsonObject().put("n", 10_000).put("interval_ms", 1)));
      }
      slow.add(ws);
    }
    Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
    WebSocket good = goodClient.connect(target).await();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    int calls = 0;
    int failed = 0;
    String firstFailure = null;
    java.util.concurrent.BlockingQueue<String> answers = new java.util.concurrent.LinkedBlockingQueue<>();
    good.textMessageHandler(answers::add);
    while (System.nanoTime() < end) {
      long start = System.nanoTime();
      good.writeTextMessage(call("g" + calls, "echo", new JsonObject().put("message", "hi")));
      String answer = answers.poll(10, TimeUnit.SECONDS);
      latency.recordValue(System.nanoTime() - start);
      calls++;
      if (answer == null || !answer.contains("\"success\":true")) {
        failed++;
        firstFailure = firstFailure == null ? String.valueOf(answer) : firstFailure;
      }
    }
    // a reader that does not read sees its close only once it reads again
    slow.forEach(WebSocket::resume);
    Thread.sleep(3000);
    System.out.println(new JsonObject().put("asked_mb", (long) readers * streams * 10_000 * CHUNK_BYTES >> 20)
      .put("slow_readers", readers).put("slow_closed", dropped.get()).put("good_calls", calls)
      .put("good_failed", failed).put("good_p50_ms", latency.getValueAtPercentile(50) / 1e6)
      .put("good_p99_ms", latency.getValueAtPercentile(99) / 1e6)
      .put("good_max_ms", latency.getMaxValue() / 1e6).put("good_first_failure", firstFailure).encode());
    vertx.close().await();
  }

  private static String call(String id, String function, JsonObject args) {
    return new JsonObject().put("request_id", id).put("service", "demo").put("request_type", function)
      .put("args", args).encode();
  }
}
