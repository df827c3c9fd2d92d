package dev.genapi.bench;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The load generator of the end-to-end benchmark: N WebSocket connections calling the demo {@code echo}, bounded in
 * time. {@code closed} mode keeps one call in flight per connection (maximum throughput); {@code open} mode sends at a
 * fixed rate, each call at its own due time, and measures it from that time, so a stall is not hidden (coordinated
 * omission). Idle mode opens N connections and holds them. Prints one JSON line; {@code closed} in it counts the
 * connections lost during the run, which must be 0 for the figures to mean anything.
 * Usage: {@code LoadGenerator <closed|open|idle> <port> <connections> <warmup-s> <measure-s> [rate]}.
 */
public final class LoadGenerator {

  private static final byte[] ID_KEY = "\"request_id\":\"".getBytes(StandardCharsets.UTF_8);

  private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
  // held for the whole run: Vert.x closes a client, and every connection it opened, once the client is unreachable
  private WebSocketClient client;
  private final Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
  private final AtomicLong completed = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final AtomicLong timeouts = new AtomicLong();
  private final AtomicInteger closed = new AtomicInteger();
  private final java.util.Map<WebSocket, Long> lastSent = new java.util.concurrent.ConcurrentHashMap<>();
  private volatile boolean measuring;
  private volatile boolean running = true;

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    int port = Integer.parseInt(args[1]);
    int connections = Integer.parseInt(args[2]);
    long warmup = Long.parseLong(args[3]);
    long measure = Long.parseLong(args[4]);
    int rate = args.length > 5 ? Integer.parseInt(args[5]) : 0;
    LoadGenerator generator = new LoadGenerator();
    JsonObject result = generator.run(mode, port, connections, warmup, measure, rate);
    System.out.println(result.encode());
    generator.vertx.close().await();
    System.exit(0);
  }

  private JsonObject run(String mode, int port, int count, long warmupS, long measureS, int rate) throws Exception {
    List<WebSocket> sockets = connect(port, count);
    if ("idle".equals(mode)) {
      System.out.println("idle " + sockets.size() + " connections open");
      Thread.sleep(TimeUnit.SECONDS.toMillis(measureS));
      return new JsonObject().put("mode", mode).put("connections", sockets.size());
    }
    for (WebSocket socket : sockets) {
      socket.handler(frame -> onResponse(socket, frame, "closed".equals(mode)));
      socket.closeHandler(v -> closed.incrementAndGet());
    }
    Context context = vertx.getOrCreateContext();
    if ("closed".equals(mode)) {
      sockets.forEach(socket -> context.runOnContext(v -> send(socket, System.nanoTime())));
      vertx.setPeriodic(1000, id -> resendStalled());
    } else {
      pace(sockets, rate, context);
    }
    Thread.sleep(TimeUnit.SECONDS.toMillis(warmupS));
    histogram.reset();
    completed.set(0);
    errors.set(0);
    timeouts.set(0);
    measuring = true;
    long start = System.nanoTime();
    Thread.sleep(TimeUnit.SECONDS.toMillis(measureS));
    measuring = false;
    running = false;
    double seconds = (System.nanoTime() - start) / 1e9;
    synchronized (histogram) {
      return new JsonObject().put("mode", mode).put("connections", count).put("calls", completed.get())
        .put("errors", errors.get()).put("timeouts", timeouts.get()).put("closed", closed.get()).put("rps", Math.round(completed.get() / seconds))
        .put("p50_ms", histogram.getValueAtPercentile(50) / 1e6).put("p99_ms", histogram.getValueAtPercentile(99) / 1e6)
        .put("p999_ms", histogram.getValueAtPercentile(99.9) / 1e6);
    }
  }

  private List<WebSocket> connect(int port, int count) throws InterruptedException {
    client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(count + 10));
    List<WebSocket> sockets = new ArrayList<>(count);
    for (int batch = 0; batch < count; batch += 200) {
      int size = Math.min(200, count - batch);
      CountDownLatch latch = new CountDownLatch(size);
      for (int i = 0; i < size; i++) {
        client.connect(port, "127.0.0.1", "/ws").onComplete(result -> {
          if (result.succeeded()) {
            synchronized (sockets) {
              sockets.add(result.result());
            }
          }
          latch.countDown();
        });
      }
      if (!latch.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("connections did not open within 60 s");
      }
    }
    return sockets;
  }

  /**
   * Open loop: a pacing thread sleeps until each call is due and hands it to the event loop, round robin over the
   * connections; each call is measured from its due time.
   */
  private void pace(List<WebSocket> sockets, int rate, Context context) {
    Thread pacer = new Thread(() -> {
      long start = System.nanoTime();
      for (long n = 0; running; n++) {
        long due = start + n * 1_000_000_000L / rate;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
        WebSocket socket = sockets.get((int) (n % sockets.size()));
        context.runOnContext(v -> send(socket, due));
      }
    }, "pacer");
    pacer.setDaemon(true);
    pacer.start();
  }

  /** Closed loop: a connection whose answer has not come within 5 s counts a timeout and calls again. */
  private void resendStalled() {
    long now = System.nanoTime();
    lastSent.forEach((socket, sent) -> {
      if (now - sent > TimeUnit.SECONDS.toNanos(5)) {
        timeouts.incrementAndGet();
        send(socket, now);
      }
    });
  }

  private void send(WebSocket socket, long startNanos) {
    lastSent.put(socket, startNanos);
    if (running) {
      socket.writeTextMessage("{\"request_id\":\"" + startNanos + "\",\"service\":\"demo\",\"request_type\":\"echo\","
        + "\"args\":{\"message\":\"hello, gateway\"}}");
    }
  }

  private void onResponse(WebSocket socket, Buffer frame, boolean closedLoop) {
    long now = System.nanoTime();
    long start = startOf(frame);
    if (!frame.toString().contains("\"success\":false")) {
      if (measuring) {
        synchronized (histogram) {
          histogram.recordValue(Math.max(0, now - start));
        }
        completed.incrementAndGet();
      }
    } else if (measuring) {
      errors.incrementAndGet();
    }
    if (closedLoop) {
      send(socket, now);
    }
  }

  /** The send time, carried as the request_id. */
  private static long startOf(Buffer frame) {
    byte[] bytes = frame.getBytes();
    for (int i = 0; i + ID_KEY.length < bytes.length; i++) {
      int k = 0;
      while (k < ID_KEY.length && bytes[i + k] == ID_KEY[k]) {
        k++;
      }
      if (k == ID_KEY.length) {
        long value = 0;
        for (int j = i + k; j < bytes.length && bytes[j] != '"'; j++) {
          value = value * 10 + (bytes[j] - '0');
        }
        return value;
      }
    }
    return System.nanoTime();
  }
}
