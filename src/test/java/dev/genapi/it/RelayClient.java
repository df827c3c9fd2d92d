package dev.genapi.it;

import dev.genapi.testing.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A native WebSocket client of the {@code relay} service: calls answer their frame, and the relay messages that
 * arrive meanwhile are kept for {@link #messages}.
 */
final class RelayClient implements AutoCloseable {

  private final WsClient ws;
  private final Deque<JsonObject> pushes = new ArrayDeque<>();
  private int calls;

  RelayClient(Vertx vertx, int port, String token) {
    this.ws = WsClient.connect(vertx, port, token);
  }

  /** @return the answer to one relay call */
  JsonObject call(String requestType, JsonObject args) {
    String id = "c" + ++calls;
    ws.send(WsClient.call(id, "relay", requestType, args));
    while (true) {
      JsonObject frame = ws.next();
      if (frame.containsKey("push")) {
        pushes.add(frame);
      } else {
        assertThat(frame.getString("request_id")).isEqualTo(id);
        return frame;
      }
    }
  }

  /** @return the result of a call that must succeed */
  JsonObject ok(String requestType, JsonObject args) {
    JsonObject frame = call(requestType, args);
    assertThat(frame.getBoolean("success")).as("%s %s: %s", requestType, args, frame).isTrue();
    return frame.getJsonObject("result");
  }

  /** Asserts a call fails with that code and error text. */
  void fails(String requestType, JsonObject args, String code, String error) {
    JsonObject frame = call(requestType, args);
    assertThat(frame.getString("code")).as("%s %s: %s", requestType, args, frame).isEqualTo(code);
    assertThat(frame.getString("error")).isEqualTo(error);
    assertThat(frame.getBoolean("can_retry")).isFalse();
  }

  /** @return the next n relay messages */
  List<JsonObject> messages(int n) {
    List<JsonObject> list = new ArrayList<>();
    while (list.size() < n) {
      list.add(pushes.isEmpty() ? ws.next() : pushes.poll());
    }
    return list;
  }

  /** @return the relay messages that arrive within the time, besides those already kept */
  List<JsonObject> pending(long waitMs) {
    List<JsonObject> list = new ArrayList<>(pushes);
    pushes.clear();
    list.addAll(ws.drain(waitMs));
    return list;
  }

  static JsonObject group(String groupId) {
    return new JsonObject().put("group_id", groupId);
  }

  static JsonObject target(String groupId, String userId) {
    return group(groupId).put("user_id", userId);
  }

  @Override
  public void close() {
    ws.close();
  }
}
