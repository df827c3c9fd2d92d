package dev.genapi.it;

import dev.genapi.testing.JvmProcess;
import dev.genapi.testing.TestCluster;
import dev.genapi.testing.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static dev.genapi.testing.WsClient.call;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code all-in-one} role, as the README runs it: one JVM, ready within a minute, serving the demo catalogue.
 */
@DisplayName("The all-in-one launcher")
class AllInOneJvmTest {

  @Test
  @DisplayName("logs the ready line within a minute and serves echo, slow and count at once")
  void readyAndServing() {
    int httpPort = TestCluster.freePort();
    Vertx client = Vertx.vertx();
    try (JvmProcess process = JvmProcess.launch("all-in-one", "--http-port", Integer.toString(httpPort),
      "--cluster-name", "genapi-aio-" + UUID.randomUUID(),
      "--cluster-port", Integer.toString(TestCluster.newCluster().getPort()));
         WsClient ws = connectAfterReady(process, client, httpPort)) {
      ws.send(call("e", "demo", "echo", new JsonObject().put("message", "ready")));
      assertThat(ws.next().getJsonObject("result").getString("message")).isEqualTo("ready");
      ws.send(call("s", "demo", "slow", new JsonObject().put("ms", 10)));
      assertThat(ws.next(2, 10_000)).extracting(f -> f.getBoolean("async")).containsExactly(true, false);
      ws.send(call("c", "demo", "count", new JsonObject().put("n", 2)));
      List<JsonObject> frames = ws.next(4, 10_000);
      assertThat(frames).extracting(f -> f.getValue("result")).containsExactly("init", 1, 2, null);
    } finally {
      TestCluster.close(client);
    }
  }

  private static WsClient connectAfterReady(JvmProcess process, Vertx client, int httpPort) {
    process.awaitLine("GenApi gateway ready on http://127.0.0.1:" + httpPort, 60_000);
    return WsClient.connect(client, httpPort);
  }
}
