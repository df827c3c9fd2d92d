package dev.genapi.it;

import dev.genapi.gateway.AuthOptions;
import dev.genapi.gateway.GatewayOptions;
import dev.genapi.testing.DemoCluster;
import dev.genapi.testing.Jwts;
import dev.genapi.testing.LogCapture;
import dev.genapi.testing.WsClient;
import io.vertx.core.Future;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static dev.genapi.testing.WsClient.call;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gateway with settings other than the defaults, through real clients: a Phoenix event of its own, and JWT mode with
 * {@code require_verified_user_id} off (calls without a token run, as nobody).
 */
@DisplayName("Gateway settings other than the defaults")
@ExtendWith(VertxExtension.class)
class GatewaySettingsTest {

  private static LogCapture log;
  private static DemoCluster cluster;

  @BeforeAll
  static void start(VertxTestContext test) {
    log = LogCapture.install();
    DemoCluster.open(new GatewayOptions().setPhoenixEvent("calls")
        .setAuth(new AuthOptions().setMode(AuthOptions.MODE_JWT).setJwtSecret(Jwts.SECRET)
          .setRequireVerifiedUserId(false)))
      .onSuccess(started -> cluster = started)
      .onFailure(failed -> log.close())
      .onComplete(test.succeedingThenComplete());
  }

  @AfterAll
  static void stop(VertxTestContext test) {
    logWithoutStackTraces().eventually(cluster::shutdown).onComplete(test.succeedingThenComplete());
  }

  /** Stops capturing the log, failing when it holds a stack trace (as {@code closeAndAssertNoStackTraces} does). */
  private static Future<Void> logWithoutStackTraces() {
    try {
      log.closeAndAssertNoStackTraces();
      return Future.succeededFuture();
    } catch (AssertionError e) {
      return Future.failedFuture(e);
    }
  }

  @Test
  @DisplayName("phoenix_event names the event calls and their answers travel on; the default name is then unknown")
  void phoenixEvent(VertxTestContext test) {
    WsClient.open(cluster.clients(), new WebSocketClientOptions(), new WebSocketConnectOptions().setHost("127.0.0.1")
        .setPort(cluster.port()).setURI("/socket/websocket?vsn=2.0.0"))
      .compose(phoenix -> askPhoenix(phoenix, phoenix("1", "phx_join", new JsonObject()))
        .map(joined -> assertThat(joined.getJsonObject(4).getString("status")).isEqualTo("ok"))
        .compose(v -> askPhoenix(phoenix, phoenix("2", "calls",
          call("e1", "demo", "echo", new JsonObject().put("message", "on calls")))))
        .compose(first -> phoenix.array().map(second -> {
          JsonArray answer = "calls".equals(first.getString(3)) ? first : second;
          JsonArray reply = answer == first ? second : first;
          assertThat(reply.getString(3)).isEqualTo("phx_reply");
          assertThat(reply.getJsonObject(4).getString("status")).isEqualTo("ok");
          return assertThat(answer.getJsonObject(4).getJsonObject("result").getString("message")).isEqualTo("on calls");
        }))
        .compose(v -> askPhoenix(phoenix, phoenix("3", "phoenix_gen_api",
          call("e2", "demo", "echo", new JsonObject().put("message", "x")))))
        .map(refusedMessage -> {
          JsonObject refused = refusedMessage.getJsonObject(4);
          assertThat(refused.getString("status")).isEqualTo("error");
          return assertThat(refused.getJsonObject("response").getString("reason"))
            .isEqualTo("unknown event phoenix_gen_api");
        })
        .eventually(phoenix::shutdown))
      .onComplete(test.succeedingThenComplete());
  }

  /** @return a Phoenix message on the lobby topic, joined under ref 1 */
  private static JsonArray phoenix(String ref, String event, JsonObject payload) {
    return new JsonArray().add("1").add(ref).add("genapi:lobby").add(event).add(payload);
  }

  /** Writes a Phoenix message and answers the next message received. */
  private static Future<JsonArray> askPhoenix(WsClient phoenix, JsonArray message) {
    return phoenix.write(message.encode()).compose(written -> phoenix.array());
  }

  @Test
  @DisplayName("without require_verified_user_id, a call without a token runs as nobody: the user_id it sends is dropped")
  void unverifiedCallsRun(VertxTestContext test) {
    WsClient.open(cluster.clients(), cluster.port(), null)
      .compose(ws -> ws.ask(call("e", "demo", "echo", new JsonObject().put("message", "anonymous"))
          .put("user_id", "mallory"))
        .map(echoed -> assertThat(echoed.getJsonObject("result").getString("message")).isEqualTo("anonymous"))
        .compose(v -> ws.ask(call("w", "demo", "whoami", new JsonObject()).put("user_id", "mallory")))
        .map(whoami -> {
          assertThat(whoami.getBoolean("success")).as(whoami.encode()).isFalse();
          return assertThat(whoami.getString("code")).isEqualTo("PERMISSION_DENIED");
        })
        .eventually(ws::shutdown))
      .onComplete(test.succeedingThenComplete());
  }
}
