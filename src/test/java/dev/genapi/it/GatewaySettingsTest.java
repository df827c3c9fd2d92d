package dev.genapi.it;

import dev.genapi.gateway.AuthOptions;
import dev.genapi.gateway.GatewayOptions;
import dev.genapi.testing.Jwts;
import dev.genapi.testing.DemoCluster;
import dev.genapi.testing.WsClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static dev.genapi.testing.WsClient.call;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gateway with settings other than the defaults, through real clients: a Phoenix event of its own, and JWT mode with
 * {@code require_verified_user_id} off (calls without a token run, as nobody).
 */
@DisplayName("Gateway settings other than the defaults")
class GatewaySettingsTest {

  private static DemoCluster cluster;

  @BeforeAll
  static void start() {
    cluster = DemoCluster.startWatchingLog(new GatewayOptions().setPhoenixEvent("calls")
      .setAuth(new AuthOptions().setMode(AuthOptions.MODE_JWT).setJwtSecret(Jwts.SECRET)
        .setRequireVerifiedUserId(false)));
  }

  @AfterAll
  static void stop() {
    cluster.closeAndAssertNoStackTraces();
  }

  @Test
  @DisplayName("phoenix_event names the event calls and their answers travel on; the default name is then unknown")
  void phoenixEvent() {
    try (WsClient phoenix = WsClient.connect(cluster.clients(), new WebSocketClientOptions(),
      new WebSocketConnectOptions().setHost("127.0.0.1").setPort(cluster.port()).setURI("/socket/websocket?vsn=2.0.0"))) {
      phoenix.send(new JsonArray().add("1").add("1").add("genapi:lobby").add("phx_join").add(new JsonObject()).encode());
      assertThat(phoenix.nextArray().getJsonObject(4).getString("status")).isEqualTo("ok");
      phoenix.send(new JsonArray().add("1").add("2").add("genapi:lobby").add("calls")
        .add(call("e1", "demo", "echo", new JsonObject().put("message", "on calls"))).encode());
      JsonArray first = phoenix.nextArray();
      JsonArray second = phoenix.nextArray();
      JsonArray answer = "calls".equals(first.getString(3)) ? first : second;
      JsonArray reply = answer == first ? second : first;
      assertThat(reply.getString(3)).isEqualTo("phx_reply");
      assertThat(reply.getJsonObject(4).getString("status")).isEqualTo("ok");
      assertThat(answer.getJsonObject(4).getJsonObject("result").getString("message")).isEqualTo("on calls");

      phoenix.send(new JsonArray().add("1").add("3").add("genapi:lobby").add("phoenix_gen_api")
        .add(call("e2", "demo", "echo", new JsonObject().put("message", "x"))).encode());
      JsonObject refused = phoenix.nextArray().getJsonObject(4);
      assertThat(refused.getString("status")).isEqualTo("error");
      assertThat(refused.getJsonObject("response").getString("reason")).isEqualTo("unknown event phoenix_gen_api");
    }
  }

  @Test
  @DisplayName("without require_verified_user_id, a call without a token runs as nobody: the user_id it sends is dropped")
  void unverifiedCallsRun() {
    try (WsClient ws = WsClient.connect(cluster.clients(), cluster.port())) {
      ws.send(call("e", "demo", "echo", new JsonObject().put("message", "anonymous")).put("user_id", "mallory"));
      assertThat(ws.next().getJsonObject("result").getString("message")).isEqualTo("anonymous");
      ws.send(call("w", "demo", "whoami", new JsonObject()).put("user_id", "mallory"));
      JsonObject whoami = ws.next();
      assertThat(whoami.getBoolean("success")).as(whoami.encode()).isFalse();
      assertThat(whoami.getString("code")).isEqualTo("PERMISSION_DENIED");
    }
  }
}
