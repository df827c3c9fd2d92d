package dev.genapi.it;

import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.genapi.cluster.Addresses;
import dev.genapi.cluster.ClusterOptions;
import dev.genapi.cluster.ClusterSupport;
import dev.genapi.gateway.Gateway;
import dev.genapi.gateway.GatewayOptions;
import dev.genapi.testing.Eventually;
import dev.genapi.testing.Http;
import dev.genapi.testing.LogCapture;
import dev.genapi.testing.TestCluster;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gateway and another member: a change of the function map that no entry event reports (the map cleared from the
 * other member, as a lost event leaves it) is repaired by the periodic full read, with one warning; while the
 * gateway's index is right, the periodic read says nothing.
 */
@DisplayName("Repairing a gateway's registry index when entry events are lost")
class RegistryResyncClusterTest {

  private static final String ADMIN = "resync-admin";
  private static final long RESYNC_MS = 1000;
  private static final String LOST = "Entry events were lost: reloaded the registry index, 2 entries corrected";

  private static Vertx gatewayMember;
  private static Vertx otherMember;
  private static Vertx client;
  private static Http http;
  private static LogCapture log;

  @BeforeAll
  static void start() {
    ClusterOptions cluster = TestCluster.newCluster().setResyncIntervalMs(RESYNC_MS);
    gatewayMember = TestCluster.member(cluster);
    otherMember = TestCluster.member(cluster);
    Gateway gateway = TestCluster.await(Gateway.start(gatewayMember, new GatewayOptions()
      .setPort(TestCluster.freePort()).setAdminToken(ADMIN)));
    client = Vertx.vertx();
    http = new Http(client, gateway.port());
    log = LogCapture.install();
  }

  @AfterAll
  static void stop() {
    log.close();
    TestCluster.close(client, otherMember, gatewayMember);
  }

  @Test
  @DisplayName("a map cleared behind the gateway's back is repaired within the interval; a right index stays quiet")
  void clearedMapIsRepaired() throws InterruptedException {
    JsonObject push = new JsonObject().put("service", "inventory").put("config_version", "1").put("fun_configs",
      new JsonArray().add(new JsonObject().put("service", "inventory").put("request_type", "stock"))
        .add(new JsonObject().put("service", "inventory").put("request_type", "price")));
    assertThat(http.send(HttpMethod.POST, "/admin/push", ADMIN, push.encode()).status()).isEqualTo(200);
    Set<String> pushed = Set.of("inventory/stock/0.0.0", "inventory/price/0.0.0");
    assertThat(Eventually.until(() -> http.functionKeys(ADMIN), pushed::equals, 10_000)).isEqualTo(pushed);

    Thread.sleep(3 * RESYNC_MS);
    assertThat(messages()).as("periodic reads of an index that was right").noneMatch(m -> m.startsWith("Entry events"));

    ClusterSupport.hazelcast(otherMember).getMap(Addresses.FUNCTIONS_MAP).clear();
    assertThat(Eventually.until(() -> http.functionKeys(ADMIN), Set::isEmpty, 5 * RESYNC_MS))
      .as("functions listed after the map was cleared").isEmpty();
    assertThat(messages()).containsOnlyOnce(LOST);
    log.closeAndAssertNoStackTraces();
  }

  private static List<String> messages() {
    return log.events().stream().map(ILoggingEvent::getFormattedMessage).toList();
  }
}
