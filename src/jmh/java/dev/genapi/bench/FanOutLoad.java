package dev.genapi.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The client side of the fan-out benchmark: opens N WebSockets that all receive one push, then triggers pushes one
 * at a time and measures, per push, how long the last connection waited (deliveries per second) and, per delivery,
 * the time from the trigger to its arrival. Against a gateway the N connections call {@code demo.echo} as user
 * {@code fan} and a control connection calls {@code demo.push_to_user}; against {@link FanOutServer} they send
 * {@code join} and the control connection {@code fanout:<frame>}.
 * Usage: {@code FanOutLoad <gateway|baseline> <port> <connections> <warm-up pushes> <measured pushes>}.
 */
public final class FanOutLoad {

  private static final String FRAME = "{\"request_id\":\"9f1c3e2a-5b7d-4c1e-8a2f-0d6b4e3c2a1f\",\"success\":true,"
    + "\"result\":{\"message\":\"m\"},\"error\":null,\"code\":null,\"async\":false,\"has_more\":false,"
    + "\"can_retry\":false,\"push\":\"user\"}";

  private final Histogram latency = new ConcurrentHistogram(TimeUnit.SECONDS.toNanos(30), 3);
  private final AtomicInteger delivered = new AtomicInteger();
  private final AtomicLong last = new AtomicLong();
  private volatile long trigger;
  private volatile boolean measuring;

  public static void main(String[] args) throws Exception {
    boolean gateway = "gateway".equals(args[0]);
    int port = Integer.parseInt(args[1]);
    int count = Integer.parseInt(args[2]);
    System.out.println(new FanOutLoad().run(gateway, port, count, Integer.parseInt(args[3]),
      Integer.parseInt(args[4])).put("mode", args[0]).encode());
    System.exit(0);
  }

  private JsonObject run(boolean gateway, int port, int count, int warmup, int pushes) throws InterruptedException {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(count + 10));
    CountDownLatch joined = new CountDownLatch(count);
    for (int batch = 0; batch < count; batch += 200) {
      CountDownLatch opened = new CountDownLatch(Math.min(200, count - batch));
      for (int i = batch; i < Math.min(batch + 200, count); i++) {
        client.connect(port, "127.0.0.1", "/ws").onComplete(result -> {
          opened.countDown();
          if (result.succeeded()) {
            join(result.result(), gateway, joined);
          }
        });
      }
      opened.await(60, TimeUnit.SECONDS);
    }
    if (!joined.await(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException((count - joined.getCount()) + " of " + count + " connections joined");
    }
    WebSocket control = client.connect(port, "127.0.0.1", "/ws").await();
    double rateSum = 0;
    long lost = 0;
    for (int k = 0; k < warmup + pushes; k++) {
      measuring = k >= warmup;
      delivered.set(0);
      trigger = System.nanoTime();
      last.set(trigger);
      control.writeTextMessage(gateway ? new JsonObject().put("request_id", "p" + k).put("service", "demo")
        .put("request_type", "push_to_user").put("user_id", "control")
        .put("args", new JsonObject().put("user_id", "fan").put("message", "m")).encode() : "fanout:" + FRAME);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (delivered.get() < count && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
      if (measuring) {
        rateSum += delivered.get() / ((last.get() - trigger) / 1e9);
        lost += count - delivered.get();
      }
      Thread.sleep(100);
    }
    return new JsonObject().put("connections", count).put("pushes", pushes)
      .put("deliveries_per_s", Math.round(rateSum / pushes)).put("lost", lost)
      .put("p50_ms", latency.getValueAtPercentile(50) / 1e6).put("p99_ms", latency.getValueAtPercentile(99) / 1e6);
  }

  private void join(WebSocket ws, boolean gateway, CountDownLatch joined) {
    AtomicInteger frames = new AtomicInteger();
    ws.textMessageHandler(text -> {
      if (frames.getAndIncrement() == 0) {
        joined.countDown();
        return;
      }
      long now = System.nanoTime();
      if (measuring) {
        latency.recordValue(now - trigger);
      }
      last.accumulateAndGet(now, Math::max);
      delivered.incrementAndGet();
    });
    ws.writeTextMessage(gateway ? new JsonObject().put("request_id", "j").put("service", "demo")
      .put("request_type", "echo").put("user_id", "fan").put("args", new JsonObject().put("message", "j")).encode()
      : "join");
  }
}
