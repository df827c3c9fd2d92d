package dev.genapi.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Push: event-bus form and frames")
class PushTest {

  @Test
  @DisplayName("a group push keeps its recipients' connections on the bus and names group:<id> in its frame")
  void groupPush() {
    JsonObject connections = new JsonObject().put("node-1", new JsonArray().add(3).add(7));
    Push push = Push.toGroup("room", "r9", new JsonObject().put("message", "hi"), connections);
    Push back = Push.fromJson(push.toJson());
    assertThat(back).isEqualTo(push);
    JsonObject frame = new JsonObject(back.frame());
    assertThat(frame.getString("push")).isEqualTo("group:room");
    assertThat(frame.getString("request_id")).isEqualTo("r9");
    assertThat(frame.getJsonObject("result")).isEqualTo(new JsonObject().put("message", "hi"));
  }

  @Test
  @DisplayName("a group push without connections, or a user push with them, is not a push")
  void malformed() {
    JsonObject group = Push.toGroup("room", "r", 1, new JsonObject()).toJson();
    assertThat(Push.fromJson(group.copy().put("connections", "all"))).isNull();
    assertThat(Push.fromJson(Push.toUser("ann", 1).toJson().put("connections", new JsonObject()))).isNull();
    assertThat(Push.fromJson(Push.toUser("ann", 1).toJson())).isNotNull();
  }
}
