package dev.genapi.it;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.genapi.testing.WsClient.call;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A native WebSocket client in a closed loop of {@code echo} calls (the next call once the last one is answered),
 * as a well-behaved client moves when its gateway drains: on the drain frame it opens a connection to the other
 * gateway after {@code reconnect_after_ms} and sends its next calls there. Until then a "waiting" client sends
 * nothing and closes its old connection itself once its call there is answered; a "keeping" client goes on calling
 * the draining gateway (and gets refusals) and leaves the gateway to close the old connection. Thread-safe: its
 * connections may run on different event loops.
 */
final class LoopClient {

  /** How many answers a client needs on the other gateway before it stops. */
  static final int WANTED = 10;
  private static final long PAUSE_MS = 10;

  private final Vertx vertx;
  private final WebSocketClient sockets;
  private final int index;
  private final boolean keeping;
  private final int portA;
  private final int portB;
  private final List<String> sent = new ArrayList<>();
  private final Map<String, Integer> answers = new HashMap<>();
  private final List<JsonObject> failures = new ArrayList<>();
  private WebSocket onA;
  private WebSocket onB;
  private String outstanding;
  private boolean toldToDrain;
  private long reconnectAfterMs = -1;
  private boolean closed;
  private Short closeCode;
  private boolean closedAfterDrain;
  private int answersOnB;
  private boolean stopped;

  LoopClient(Vertx vertx, int index, boolean keeping, int portA, int portB) {
    this.vertx = vertx;
    this.sockets = vertx.createWebSocketClient();
    this.index = index;
    this.keeping = keeping;
    this.portA = portA;
    this.portB = portB;
  }

  LoopClient start() {
    connect(portA);
    return this;
  }

  private void connect(int port) {
    sockets.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/ws"))
      .onSuccess(ws -> opened(ws, port))
      .onFailure(e -> vertx.setTimer(100, id -> connect(port)));
  }

  private synchronized void opened(WebSocket ws, int port) {
    ws.textMessageHandler(text -> onText(ws, new JsonObject(text)));
    if (port == portA) {
      onA = ws;
      ws.closeHandler(v -> closedA(ws.closeStatusCode()));
    } else {
      onB = ws;
      closeAWhenIdle();
    }
    sendNext();
  }

  private synchronized void closedA(Short code) {
    closed = true;
    closeCode = code;
    closedAfterDrain = toldToDrain;
  }

  private synchronized void onText(WebSocket ws, JsonObject frame) {
    if ("drain".equals(frame.getString("op"))) {
      toldToDrain = true;
      reconnectAfterMs = frame.getLong("reconnect_after_ms");
      vertx.setTimer(Math.max(1, reconnectAfterMs), id -> connect(portB));
      return;
    }
    String id = frame.getString("request_id");
    answers.merge(id, 1, Integer::sum);
    if (!frame.getBoolean("success")) {
      failures.add(frame);
    }
    if (ws == onB) {
      answersOnB++;
    }
    if (id.equals(outstanding)) {
      outstanding = null;
      stopped = answersOnB >= WANTED;
      closeAWhenIdle();
      if (!stopped) {
        vertx.setTimer(PAUSE_MS, t -> sendNext());
      }
    }
  }

  private void closeAWhenIdle() {
    if (!keeping && onB != null && outstanding == null && !onA.isClosed()) {
      onA.close();
    }
  }

  private synchronized void sendNext() {
    WebSocket target = onB != null ? onB : !toldToDrain || keeping ? onA : null;
    if (stopped || outstanding != null || target == null) {
      return;
    }
    outstanding = "n" + index + "-" + sent.size();
    sent.add(outstanding);
    target.writeTextMessage(call(outstanding, "demo", "echo", new JsonObject().put("message", outstanding)).encode());
  }

  synchronized boolean answeredOnce() {
    return !answers.isEmpty();
  }

  synchronized boolean done() {
    return stopped && outstanding == null;
  }

  synchronized long drainRefusals() {
    return failures.size();
  }

  synchronized long reconnectAfterMs() {
    return reconnectAfterMs;
  }

  /** Every call sent got exactly one final answer; the only failures are drain refusals; the client moved. */
  synchronized void assertHandedOff() {
    String who = (keeping ? "keeping" : "waiting") + " native client " + index;
    assertThat(answers.keySet()).as(who + ": answered calls").containsExactlyInAnyOrderElementsOf(sent);
    answers.forEach((id, n) -> assertThat(n).as(who + ": answers to " + id).isEqualTo(1));
    failures.forEach(LoopClient::assertDrainRefusal);
    assertThat(toldToDrain).as(who + ": told to drain").isTrue();
    assertThat(reconnectAfterMs).as(who + ": reconnect_after_ms").isBetween(0L, DrainHandOffJvmTest.SPREAD_MS);
    assertThat(answersOnB).as(who + ": went on on gateway B").isGreaterThanOrEqualTo(WANTED);
    assertThat(closed).as(who + ": gateway A's connection closed").isTrue();
    assertThat(closedAfterDrain).as(who + ": the drain frame came before the close").isTrue();
    if (keeping) {
      assertThat(closeCode).as(who + ": closed by the gateway with 1012").isEqualTo((short) 1012);
    }
  }

  static void assertDrainRefusal(JsonObject failure) {
    assertThat(failure.getString("code")).as(failure.encode()).isEqualTo("UNAVAILABLE");
    assertThat(failure.getBoolean("can_retry")).as(failure.encode()).isTrue();
    assertThat(failure.getString("error")).as(failure.encode()).isEqualTo(DrainHandOffJvmTest.DRAINING);
  }
}
