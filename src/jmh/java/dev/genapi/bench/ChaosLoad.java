package dev.genapi.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The load of the chaos run: clients in a closed loop of sync calls over every gateway, each with one call in flight,
 * while the script kills, stops and freezes processes. A client that gets the drain frame opens a connection to the
 * next gateway and sends its next calls there; one whose connection closes reconnects. Every call has a unique
 * request_id, and every answer is matched to it, so the last line says whether each call got exactly one answer:
 * {@code CHAOS sent=… answered=… ok=… failed=… lost=… unanswered=… duplicates=… failures={function:CODE=n}}. {@code lost} counts
 * calls whose connection closed before their answer came; {@code unanswered} those still waiting at the end. A call
 * refused because its gateway is draining never ran: it counts as answered and {@code drain_refused}, not failed, and
 * the client sends the same function again on its new connection.
 * Usage: {@code ChaosLoad <seconds> <clients> <function[@version],...> <gateway-port>...} (functions of the demo
 * service, taken in turn: {@code echo}, {@code get_user@1.0.0}); all on one event loop.
 */
public final class ChaosLoad {

  private static final long GRACE_MS = 15_000;

  private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
  private final WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(1000));
  private final List<Integer> ports;
  private final String[] functions;
  private final Map<String, Integer> answers = new HashMap<>();
  private final Map<String, String> pending = new HashMap<>();
  private final Map<String, Integer> failures = new TreeMap<>();
  private long sent;
  private long ok;
  private long lost;
  private long duplicates;
  private long reconnects;
  private long drains;
  private long drainRefused;
  private volatile boolean sending = true;

  private ChaosLoad(List<Integer> ports, String[] functions) {
    this.ports = ports;
    this.functions = functions;
  }

  public static void main(String[] args) throws Exception {
    long seconds = Long.parseLong(args[0]);
    int clients = Integer.parseInt(args[1]);
    List<Integer> ports = new ArrayList<>();
    for (int i = 3; i < args.length; i++) {
      ports.add(Integer.parseInt(args[i]));
    }
    ChaosLoad load = new ChaosLoad(ports, args[2].split(","));
    System.out.println(load.run(seconds, clients));
    load.vertx.close().await();
    System.exit(0);
  }

  private String run(long seconds, int clients) throws InterruptedException {
    for (int i = 0; i < clients; i++) {
      Client c = new Client(i);
      vertx.runOnContext(v -> c.connect(c.id % ports.size()));
    }
    for (long elapsed = 0; elapsed < seconds; elapsed += 5) {
      Thread.sleep(TimeUnit.SECONDS.toMillis(Math.min(5, seconds - elapsed)));
      onLoop(() -> System.err.println("chaos sent=" + sent + " ok=" + ok + " pending=" + pending.size()
        + " failures=" + failures));
    }
    sending = false;
    long deadline = System.currentTimeMillis() + GRACE_MS;
    while (System.currentTimeMillis() < deadline && onLoop(pending::size) > 0) {
      Thread.sleep(100);
    }
    return onLoop(() -> "CHAOS sent=" + sent + " answered=" + answers.size() + " ok=" + ok
      + " failed=" + failures.values().stream().mapToInt(Integer::intValue).sum() + " lost=" + lost
      + " unanswered=" + pending.size() + " duplicates=" + duplicates + " reconnects=" + reconnects
      + " drains=" + drains + " drain_refused=" + drainRefused + " failures=" + failures);
  }

  /** Runs on the event loop and waits for its value, so every counter is read and written on one thread. */
  private <T> T onLoop(java.util.function.Supplier<T> read) throws InterruptedException {
    Object[] box = new Object[1];
    CountDownLatch done = new CountDownLatch(1);
    vertx.runOnContext(v -> {
      box[0] = read.get();
      done.countDown();
    });
    if (!done.await(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the load's event loop is stuck");
    }
    @SuppressWarnings("unchecked")
    T value = (T) box[0];
    return value;
  }

  private void onLoop(Runnable action) throws InterruptedException {
    onLoop(() -> {
      action.run();
      return null;
    });
  }

  /** A demo call: {@code echo}, or {@code get_user@1.0.0} (a request_type, optionally {@code @version}). */
  private static JsonObject call(String requestId, String function) {
    String[] parts = function.split("@", 2);
    JsonObject args = "get_user".equals(parts[0]) ? new JsonObject().put("id", requestId)
      : new JsonObject().put("message", requestId);
    JsonObject call = new JsonObject().put("request_id", requestId).put("service", "demo").put("request_type", parts[0])
      .put("args", args);
    return parts.length == 2 ? call.put("version", parts[1]) : call;
  }

  /** One client: one call in flight, on its current connection. */
  private final class Client {
    final int id;
    long seq;
    WebSocket current;
    String inFlight;
    WebSocket inFlightOn;
    String resend;

    Client(int id) {
      this.id = id;
    }

    void connect(int gateway) {
      if (!sending) {
        return;
      }
      client.connect(ports.get(gateway), "127.0.0.1", "/ws").onComplete(result -> {
        if (result.failed()) {
          vertx.setTimer(200, t -> connect((gateway + 1) % ports.size()));
          return;
        }
        WebSocket ws = result.result();
        ws.textMessageHandler(text -> onFrame(ws, gateway, new JsonObject(text)));
        ws.closeHandler(v -> onClosed(ws, gateway));
        current = ws;
        sendNext();
      });
    }

    void sendNext() {
      if (!sending || inFlight != null || current == null) {
        return;
      }
      String requestId = "c" + id + "-" + seq++;
      inFlight = requestId;
      inFlightOn = current;
      String function = resend != null ? resend : functions[(int) (seq % functions.length)];
      resend = null;
      pending.put(requestId, function);
      sent++;
      current.writeTextMessage(call(requestId, function).encode());
    }

    void onFrame(WebSocket ws, int gateway, JsonObject frame) {
      if ("drain".equals(frame.getString("op"))) {
        drains++;
        if (ws == current) {
          current = null;
          reconnects++;
          long after = Math.min(2000, frame.getLong("reconnect_after_ms", 0L));
          vertx.setTimer(Math.max(1, after), t -> connect((gateway + 1) % ports.size()));
        }
        return;
      }
      String requestId = frame.getString("request_id");
      if (requestId == null) {
        return;
      }
      if (answers.merge(requestId, 1, Integer::sum) > 1) {
        duplicates++;
        return;
      }
      String function = pending.remove(requestId);
      if (Boolean.TRUE.equals(frame.getBoolean("success"))) {
        ok++;
      } else if (String.valueOf(frame.getString("error")).contains("gateway draining")) {
        // it never ran: a client sends it again on its new connection, as the README's reconnect section says
        drainRefused++;
        resend = function;
      } else {
        String retry = Boolean.TRUE.equals(frame.getBoolean("can_retry")) ? "" : "(no retry)";
        failures.merge(function + ":" + frame.getString("code") + retry, 1, Integer::sum);
      }
      if (requestId.equals(inFlight)) {
        inFlight = null;
        sendNext();
      }
    }

    void onClosed(WebSocket ws, int gateway) {
      if (ws == inFlightOn && inFlight != null && pending.remove(inFlight) != null) {
        lost++;
        System.err.println("chaos lost " + inFlight + " (connection to gateway " + gateway + " closed: "
          + ws.closeStatusCode() + " " + ws.closeReason() + ")");
        inFlight = null;
      }
      if (ws == current) {
        current = null;
        reconnects++;
        vertx.setTimer(100, t -> connect((gateway + 1) % ports.size()));
      } else {
        sendNext();
      }
    }
  }
}
