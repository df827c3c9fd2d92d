package dev.genapi.it;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.genapi.api.FunConfig;
import dev.genapi.cluster.Addresses;
import dev.genapi.cluster.ClusterOptions;
import dev.genapi.cluster.ClusterSupport;
import dev.genapi.config.ConfigService;
import dev.genapi.config.PushConfig;
import dev.genapi.testing.ConfDir;
import dev.genapi.testing.Eventually;
import dev.genapi.testing.Http;
import dev.genapi.testing.JvmProcess;
import dev.genapi.testing.TestCluster;
import dev.genapi.testing.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;

import static dev.genapi.testing.TestCluster.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gateway JVM, a demo node JVM and this JVM as a third member: entries the registry loses are pushed again by
 * their node, a member killed with the only primary copy of entries loses none of them (backups), and malformed
 * leases and functions written into the cluster maps never stop a gateway from starting.
 */
@DisplayName("Registry healing, backups and malformed entries")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RegistryHealingJvmTest {

  private static final String ADMIN = "healing-admin";
  private static final long READY_MS = 90_000;
  private static final long VERIFY_MS = 1000;

  private static Vertx member;
  private static Vertx client;
  private static Http admin;
  private static HazelcastInstance hazelcast;
  private static JvmProcess gateway;
  private static JvmProcess node;
  private static int port;

  @BeforeAll
  static void start() {
    ClusterOptions cluster = TestCluster.newCluster();
    member = TestCluster.member(cluster);
    hazelcast = ClusterSupport.hazelcast(member);
    IMap<String, String> leases = hazelcast.getMap(Addresses.NODES_MAP);
    leases.set("broken-json", "{not json");
    leases.set("broken-shape", new JsonObject().put("node", "broken-shape").encode());
    functions().set("demo/broken/0.0.0", "[\"not a FunConfig\"]");
    client = Vertx.vertx();
    port = TestCluster.freePort();
    admin = new Http(client, port);
    String conf = ConfDir.create(cluster, new JsonObject().put("verify_interval_ms", VERIFY_MS));
    gateway = JvmProcess.launch(Map.of("GENAPI_ADMIN_TOKEN", ADMIN), "gateway", "--conf", conf,
      "--http-port", Integer.toString(port));
    gateway.awaitLine("GenApi gateway ready on http://127.0.0.1:" + port, READY_MS);
    node = JvmProcess.launch("node", "--conf", conf, "--node-name", "demo-1");
    node.awaitLine("pushed its functions", READY_MS);
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.kill();
    }
    if (gateway != null) {
      gateway.kill();
    }
    TestCluster.close(client, member);
  }

  @Test
  @Order(1)
  @DisplayName("malformed leases and functions in the cluster maps: the gateway starts, warns once each, serves")
  void malformedEntriesAreSkipped() {
    assertThat(until("demo", "echo", "hi", 10_000).getBoolean("success")).isTrue();
    assertThat(gateway.linesContaining("broken-json")).hasSize(1).allMatch(line -> line.contains("WARN")
      && line.contains("Skipping the lease of node broken-json"));
    assertThat(gateway.linesContaining("broken-shape")).hasSize(1).allMatch(line -> line.contains("WARN"));
    assertThat(gateway.linesContaining("demo/broken/0.0.0")).hasSize(1).allMatch(line -> line.contains("WARN"));
    assertThat(admin.get("/admin/nodes", ADMIN).array().stream().map(n -> ((JsonObject) n).getString("node")))
      .containsExactly("demo-1");
  }

  @Test
  @Order(2)
  @DisplayName("functions removed or changed behind the node's back are back within verify_interval_ms; "
    + "an operator's delete and disable are kept")
  void lostFunctionsAreRestored() {
    assertThat(until("demo", "add", null, 10_000).getValue("result")).isEqualTo(3);
    String add = functions().get("demo/add/0.0.0");
    String getUser = functions().get("demo/get_user/1.0.0");
    assertThat(admin.send(HttpMethod.DELETE, "/admin/functions/demo/notify/0.0.0", ADMIN, null).status())
      .isEqualTo(200);
    assertThat(admin.send(HttpMethod.POST, "/admin/functions/demo/fail/0.0.0/disable", ADMIN, null).status())
      .isEqualTo(200);

    assertThat(functions().remove("demo/add/0.0.0")).isNotNull();
    assertThat(functions().remove("demo/echo/0.0.0")).isNotNull();
    functions().set("demo/get_user/1.0.0", new JsonObject(getUser).put("timeout", 100).encode());

    long restoreMs = VERIFY_MS + 4000;
    assertThat(until("demo", "add", null, restoreMs).getValue("result")).isEqualTo(3);
    assertThat(until("demo", "echo", "hi", restoreMs).getBoolean("success")).isTrue();
    assertThat(Eventually.until(() -> functions().get("demo/get_user/1.0.0"), getUser::equals, restoreMs))
      .isEqualTo(getUser);
    assertThat(functions().get("demo/add/0.0.0")).isEqualTo(add);

    sleep(3 * VERIFY_MS);
    assertThat(functions().containsKey("demo/notify/0.0.0")).isFalse();
    assertThat(call("demo", "notify", "gone").getString("code")).isEqualTo("NOT_FOUND");
    assertThat(call("demo", "fail", null).getString("code")).isEqualTo("DISABLED");
  }

  @Test
  @Order(3)
  @DisplayName("a member killed with kill -9 while holding primary copies loses no function (backups)")
  void backupsOutliveAKilledMember() {
    PushConfig durable = new PushConfig().setService("durable").setConfigVersion("v1").setNodes(List.of("nobody"))
      .setFunctions(IntStream.range(0, 40).mapToObj(i -> FunConfig.fromJson(new JsonObject()
        .put("service", "durable").put("request_type", "f" + i))).toList());
    ConfigService config = ConfigService.createProxy(member);
    assertThat(await(config.push(durable, false)).getString("status")).isEqualTo("accepted");
    Set<String> keys = new HashSet<>(functions().keySet());
    String demoVersion = new JsonObject(hazelcast.<String, String>getMap(Addresses.SERVICES_MAP).get("demo"))
      .getString("config_version");

    String nodeId = new JsonObject(hazelcast.<String, String>getMap(Addresses.NODES_MAP).get("demo-1"))
      .getString("member");
    Member victim = hazelcast.getCluster().getMembers().stream()
      .filter(m -> ClusterSupport.nodeId(m).equals(nodeId)).findFirst().orElseThrow();
    assertThat(keys.stream().filter(key -> victim.equals(hazelcast.getPartitionService().getPartition(key).getOwner())))
      .as("functions whose only primary copy is on the node JVM").isNotEmpty();

    node.kill();
    assertThat(Eventually.until(() -> hazelcast.getCluster().getMembers().size(), n -> n == 2, 30_000)).isEqualTo(2);
    assertThat(functions().getAll(keys).keySet()).containsExactlyInAnyOrderElementsOf(keys);
    // the partitions the killed member owned move to their backups first: a read may land before that is done
    for (String[] service : new String[][] {{"durable", "v1"}, {"demo", demoVersion}}) {
      assertThat(Eventually.until(() -> await(config.verify(service[0], service[1], null)).getString("status"),
        "matched"::equals, 10_000)).as(service[0]).isEqualTo("matched");
    }
  }

  private static IMap<String, String> functions() {
    return hazelcast.getMap(Addresses.FUNCTIONS_MAP);
  }

  /** One call on a new WebSocket: echo and notify send {@code message}, add sends 1 and 2. */
  private static JsonObject call(String service, String requestType, Object message) {
    JsonObject args = switch (requestType) {
      case "add" -> new JsonObject().put("a", 1).put("b", 2);
      case "echo", "notify" -> new JsonObject().put("message", message);
      default -> new JsonObject();
    };
    try (WsClient ws = WsClient.connect(client, port)) {
      ws.send(WsClient.call(UUID.randomUUID().toString(), service, requestType, args));
      return ws.next();
    }
  }

  /** Calls until the call succeeds, for at most the time given. */
  private static JsonObject until(String service, String requestType, Object message, long timeoutMs) {
    return Eventually.until(() -> call(service, requestType, message), a -> a.getBoolean("success"), timeoutMs);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
