package dev.genapi.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The client side of the fan-out benchmark: opens N WebSockets that all receive one push, then triggers pushes one
 * at a time and measures, per push, how long the last connection waited (deliveries per second) and, per delivery,
 * the time from the trigger to its arrival. Modes:
 * <ul>
 *   <li>{@code user}: against a gateway, the N connections call {@code demo.echo} as user {@code fan} and a control
 *   connection calls {@code demo.push_to_user};</li>
 *   <li>{@code group}: against a gateway, a control connection creates a public relay group, the N connections join
 *   it as N users and the control connection calls {@code relay.send}; at the end the N connections close and it
 *   reports how long the gateway took until only the control connection was left a member ({@code leave_s});</li>
 *   <li>{@code baseline}: against {@link FanOutServer}, they send {@code join} and the control connection
 *   {@code fanout:<frame>}.</li>
 * </ul>
 * Usage: {@code FanOutLoad <user|group|baseline> <port> <connections> <warm-up pushes> <measured pushes>}.
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

  private final String mode;
  private final String group = "fan-" + System.nanoTime();
  private final AtomicInteger refused = new AtomicInteger();
  private final List<WebSocket> sockets = new CopyOnWriteArrayList<>();

  private FanOutLoad(String mode) {
    this.mode = mode;
  }

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[1]);
    int count = Integer.parseInt(args[2]);
    System.out.println(new FanOutLoad(args[0]).run(port, count, Integer.parseInt(args[3]),
      Integer.parseInt(args[4])).put("mode", args[0]).encode());
    System.exit(0);
  }

  private JsonObject run(int port, int count, int warmup, int pushes) throws InterruptedException {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(count + 10)
      .setMaxFrameSize(16 << 20).setMaxMessageSize(16 << 20)); // group_info of 10,000 members is about 1 MB
    WebSocket control = client.connect(port, "127.0.0.1", "/ws").await();
    BlockingQueue<JsonObject> answers = new LinkedBlockingQueue<>();
    control.textMessageHandler(text -> answers.add(new JsonObject(text)));
    if (mode.equals("group")) {
      control.writeTextMessage(relay("c", "create_group", new JsonObject().put("type", "public")));
      JsonObject created = answers.poll(10, TimeUnit.SECONDS);
      if (created == null || !created.getBoolean("success")) {
        throw new IllegalStateException("the group was not created: " + created);
      }
    }
    long joinStart = System.nanoTime();
    CountDownLatch joined = new CountDownLatch(count);
    for (int batch = 0; batch < count; batch += 200) {
      CountDownLatch opened = new CountDownLatch(Math.min(200, count - batch));
      for (int i = batch; i < Math.min(batch + 200, count); i++) {
        int index = i;
        client.connect(port, "127.0.0.1", "/ws").onComplete(result -> {
          opened.countDown();
          if (result.succeeded()) {
            join(result.result(), index, joined);
          }
        });
      }
      opened.await(60, TimeUnit.SECONDS);
    }
    if (!joined.await(300, TimeUnit.SECONDS) || refused.get() > 0) {
      throw new IllegalStateException((count - joined.getCount() - refused.get()) + " of " + count
        + " connections joined");
    }
    double joinSeconds = (System.nanoTime() - joinStart) / 1e9;
    double rateSum = 0;
    long lost = 0;
    for (int k = 0; k < warmup + pushes; k++) {
      measuring = k >= warmup;
      delivered.set(0);
      trigger = System.nanoTime();
      last.set(trigger);
      control.writeTextMessage(trigger(k));
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
    JsonObject result = new JsonObject().put("connections", count).put("pushes", pushes)
      .put("deliveries_per_s", Math.round(rateSum / pushes)).put("lost", lost)
      .put("p50_ms", latency.getValueAtPercentile(50) / 1e6).put("p99_ms", latency.getValueAtPercentile(99) / 1e6)
      .put("join_s", Math.round(joinSeconds * 10) / 10.0);
    if (mode.equals("group")) {
      result.put("leave_s", leave(control, answers));
    }
    return result;
  }

  private String trigger(int k) {
    return switch (mode) {
      case "user" -> new JsonObject().put("request_id", "p" + k).put("service", "demo")
        .put("request_type", "push_to_user").put("user_id", "control")
        .put("args", new JsonObject().put("user_id", "fan").put("message", "m")).encode();
      case "group" -> relay("p" + k, "send", new JsonObject().put("message", "m"));
      default -> "fanout:" + FRAME;
    };
  }

  private String relay(String requestId, String requestType, JsonObject args) {
    return new JsonObject().put("request_id", requestId).put("service", "relay").put("request_type", requestType)
      .put("user_id", "control").put("args", args.put("group_id", group)).encode();
  }

  /** Closes the members' connections; @return the seconds until the group holds the control connection only */
  private double leave(WebSocket control, BlockingQueue<JsonObject> answers) throws InterruptedException {
    long start = System.nanoTime();
    sockets.forEach(WebSocket::close);
    long deadline = start + TimeUnit.SECONDS.toNanos(300);
    while (System.nanoTime() < deadline) {
      answers.clear();
      control.writeTextMessage(relay("i", "group_info", new JsonObject()));
      JsonObject info = answers.poll(10, TimeUnit.SECONDS);
      JsonObject members = info == null || info.getJsonObject("result") == null ? null
        : info.getJsonObject("result").getJsonObject("members");
      if (members != null && members.size() == 1) {
        return Math.round((System.nanoTime() - start) / 1e8) / 10.0;
      }
      Thread.sleep(200);
    }
    return -1;
  }

  private void join(WebSocket ws, int index, CountDownLatch joined) {
    sockets.add(ws);
    AtomicInteger frames = new AtomicInteger();
    ws.textMessageHandler(text -> {
      if (frames.getAndIncrement() == 0) {
        if (!mode.equals("baseline") && !new JsonObject(text).getBoolean("success")) {
          refused.incrementAndGet();
          System.err.println("join refused: " + text);
        }
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
    ws.writeTextMessage(switch (mode) {
      case "user" -> new JsonObject().put("request_id", "j").put("service", "demo").put("request_type", "echo")
        .put("user_id", "fan").put("args", new JsonObject().put("message", "j")).encode();
      case "group" -> new JsonObject().put("request_id", "j").put("service", "relay").put("request_type", "join_group")
        .put("user_id", "u" + index).put("args", new JsonObject().put("group_id", group)).encode();
      default -> "join";
    });
  }
}
