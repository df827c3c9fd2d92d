package dev.genapi.it;

import dev.genapi.cluster.ClusterOptions;
import dev.genapi.gateway.Gateway;
import dev.genapi.testing.Jwts;
import dev.genapi.testing.Eventually;
import dev.genapi.testing.JvmProcess;
import dev.genapi.testing.TestCluster;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static dev.genapi.it.RelayClient.group;
import static dev.genapi.testing.TestCluster.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gateway JVM with relay members, killed with SIGKILL: the gateway in this JVM removes them once Hazelcast declares
 * the member gone, so no group keeps a member nobody can reach and a group only they were in is gone.
 */
@DisplayName("Relay groups: a gateway JVM killed with kill -9 leaves no members behind")
class RelayGatewayKillJvmTest {

  private static final long READY_MS = 90_000;

  private static Vertx gatewayVertx;
  private static Vertx client;
  private static Gateway survivor;
  private static JvmProcess doomed;
  private static int doomedPort;

  @BeforeAll
  static void start() {
    ClusterOptions cluster = TestCluster.newCluster();
    client = Vertx.vertx();
    doomedPort = TestCluster.freePort();
    doomed = JvmProcess.launch(Map.of("GENAPI_AUTH_MODE", "jwt", "GENAPI_JWT_SECRET", Jwts.SECRET),
      "gateway", "--cluster-name", cluster.getName(), "--cluster-port", Integer.toString(cluster.getPort()),
      "--http-port", Integer.toString(doomedPort));
    gatewayVertx = TestCluster.member(cluster);
    survivor = await(Gateway.start(gatewayVertx, RelayClusterTest.options()));
    doomed.awaitLine("GenApi gateway ready on http://127.0.0.1:" + doomedPort, READY_MS);
  }

  @AfterAll
  static void stop() {
    doomed.kill();
    TestCluster.close(client, gatewayVertx);
  }

  private static RelayClient connect(int port, String user) {
    return new RelayClient(client, port, Jwts.token(client, Jwts.SECRET, user,
      new JsonArray(), 600));
  }

  @Test
  @DisplayName("members joined through the killed gateway are removed; the others stay and still receive")
  void killedGatewayMembersLeave() {
    try (RelayClient ann = connect(survivor.port(), "ann"); RelayClient ben = connect(doomedPort, "ben");
         RelayClient cat = connect(doomedPort, "cat")) {
      ann.ok("create_group", group("kept").put("type", "public"));
      ben.ok("join_group", group("kept"));
      cat.ok("create_group", group("theirs").put("type", "private"));
      assertThat(ann.ok("group_info", group("kept")).getJsonObject("members").fieldNames())
        .containsExactlyInAnyOrder("ann", "ben");

      doomed.kill();
      assertThat(Eventually.until(() -> ann.ok("group_info", group("kept")).getJsonObject("members").fieldNames(),
        members -> members.size() == 1, 60_000)).isEqualTo(Set.of("ann"));
      assertThat(Eventually.until(() -> ann.call("group_info", group("theirs")).getString("code"),
        "NOT_FOUND"::equals, 10_000)).isEqualTo("NOT_FOUND");
      assertThat(ann.ok("send", group("kept").put("message", "alone")).getInteger("recipients_count")).isEqualTo(1);
      assertThat(ann.messages(1).get(0).getJsonObject("result").getString("message")).isEqualTo("alone");
    }
  }
}
