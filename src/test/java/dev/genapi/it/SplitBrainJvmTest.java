package dev.genapi.it;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.genapi.cluster.Addresses;
import dev.genapi.cluster.ClusterOptions;
import dev.genapi.api.FunConfig;
import dev.genapi.cluster.ClusterSupport;
import dev.genapi.node.ServiceNode;
import dev.genapi.node.ServiceNodeOptions;
import dev.genapi.testing.ConfDir;
import dev.genapi.testing.Eventually;
import dev.genapi.testing.Http;
import dev.genapi.testing.JvmFleet;
import dev.genapi.testing.JvmProcess;
import dev.genapi.testing.TestCluster;
import dev.genapi.testing.WsClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two gateway JVMs, a demo node JVM and this JVM: a node JVM, then a gateway JVM, is frozen (SIGSTOP) past the
 * heartbeat timeout, so the cluster splits, and resumed (SIGCONT), so the parts merge. Calls during the split are
 * answered within their timeouts; after the merge every gateway serves the same registry and the same live nodes:
 * what was deleted during the split stays deleted, what was added stays (when, on an overloaded machine, the gateway
 * the changes go through stalls too and ends on the side that loses the merge, they agree on what the merge kept).
 */
@DisplayName("Split brain: a frozen node JVM and a frozen gateway JVM")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SplitBrainJvmTest {

  private static final String ADMIN = "split-admin";
  /** What Hazelcast logs on a member that joins the other side of a split, discarding its own side's entries. */
  private static final String MERGING = "is merging to";
  private static final long READY_MS = 90_000;
  private static final int HEARTBEAT_TIMEOUT_S = 15;
  private static final long FREEZE_MS = HEARTBEAT_TIMEOUT_S * 1000 + 3000;
  /** Past the gateways' lease timeout (5 s), short of the heartbeat timeout: the cluster does not split. */
  private static final long LEASE_OWNER_FREEZE_MS = 6500;
  private static final long MERGE_MS = 90_000;
  /**
   * How long the partitions may take to have all their replicas again: on a loaded machine a member's operations on a
   * partition have been seen to hang until Hazelcast's operation-heartbeat timeout (twice its 60 s call timeout) and
   * the master's migrations from that member to fail only then, 2.5 minutes after the merge.
   */
  private static final long SETTLE_MS = 240_000;
  private static final long ECHO_TIMEOUT_MS = 5000;
  private static final long VERIFY_MS = 1000;
  private static final long RESYNC_MS = 2000;
  /** An admin change whose map entry the frozen member holds waits until the member is declared gone. */
  private static final long ADMIN_RETRY_MS = 60_000;
  // one admin request may wait on the frozen member until this gateway, too, has declared it gone: try again
  private static final long ADMIN_ATTEMPT_MS = 15_000;
  private static final JsonObject LIMITS = new JsonObject().put("api_limits", new JsonArray().add(new JsonObject()
    .put("service", "demo").put("request_type", "whoami").put("key", "user_id").put("max_requests", 77)
    .put("window_ms", 60_000)));

  private static JvmFleet fleet;
  private static Vertx member;
  private static Vertx client;
  private static HazelcastInstance hazelcast;
  private static JvmProcess gatewayA;
  private static JvmProcess gatewayB;
  private static JvmProcess node;
  private static int portA;
  private static int portB;
  private static Http httpA;
  private static Http httpB;

  @BeforeAll
  static void start() {
    // two backups and a heartbeat timeout above the default: on a loaded 2-core machine a second member has been seen
    // to miss 8 s of heartbeats while the first was frozen and leave, before the first one's partitions had their
    // backups again; changes made on a side that shrank to one member, and entries whose copies were all on the two,
    // are then lost by design: Hazelcast's bounds, not what is tested here
    // entry events lost when a member closes the connection to another it suspects are repaired by the periodic full
    // read: a short interval, so that the check below need not wait for the default
    ClusterOptions cluster = TestCluster.newCluster().setHeartbeatTimeoutS(HEARTBEAT_TIMEOUT_S).setMergeDelayS(5)
      .setBackupCount(2).setResyncIntervalMs(RESYNC_MS);
    member = TestCluster.member(cluster);
    hazelcast = ClusterSupport.hazelcast(member);
    client = Vertx.vertx();
    String conf = ConfDir.create(cluster, new JsonObject().put("verify_interval_ms", VERIFY_MS));
    fleet = new JvmFleet(Map.of("GENAPI_ADMIN_TOKEN", ADMIN), "--conf", conf);
    portA = TestCluster.freePort();
    portB = TestCluster.freePort();
    httpA = new Http(client, portA);
    httpB = new Http(client, portB);
    gatewayA = fleet.launch("gateway", "--http-port", Integer.toString(portA));
    gatewayB = fleet.launch("gateway", "--http-port", Integer.toString(portB));
    gatewayA.awaitLine("GenApi gateway ready on http://127.0.0.1:" + portA, READY_MS);
    gatewayB.awaitLine("GenApi gateway ready on http://127.0.0.1:" + portB, READY_MS);
    node = fleet.launch("node", "--node-name", "demo-1");
    node.awaitLine("pushed its functions", READY_MS);
    JsonArray doomed = new JsonArray();
    for (int i = 0; i < 40; i++) {
      doomed.add(new JsonObject().put("service", "doomed").put("request_type", "f" + i));
    }
    JsonObject push = new JsonObject().put("service", "doomed").put("config_version", "1").put("fun_configs", doomed);
    assertThat(httpA.send(HttpMethod.POST, "/admin/push", ADMIN, push.encode()).status()).isEqualTo(200);
  }

  @AfterAll
  static void stop() {
    fleet.close();
    TestCluster.close(client, member);
  }

  @Test
  @Order(0)
  @DisplayName("a node whose lease entry lives on a frozen member stays live meanwhile: its renewals also go on the bus")
  void leaseOwnerFrozen() {
    awaitSettled();
    IMap<String, String> leases = hazelcast.getMap(Addresses.NODES_MAP);
    String frozenId = new JsonObject(leases.get("demo-1")).getString("member");
    UUID frozen = hazelcast.getCluster().getMembers().stream()
      .filter(m -> ClusterSupport.nodeId(m).equals(frozenId)).findFirst().orElseThrow().getUuid();
    String name = IntStream.range(0, 200).mapToObj(i -> "owned-" + i)
      .filter(n -> hazelcast.getPartitionService().getPartition(n).getOwner().getUuid().equals(frozen))
      .findFirst().orElseThrow();
    ServiceNode survivor = ServiceNode.create(member, new ServiceNodeOptions().setName(name))
      .register(FunConfig.fromJson(new JsonObject().put("service", "survivor").put("request_type", "ping")),
        call -> Future.succeededFuture("pong"));
    TestCluster.await(survivor.start().compose(v -> survivor.registered()));
    try {
      JsonObject ping = WsClient.call("p", "survivor", "ping", new JsonObject());
      assertThat(Eventually.until(() -> call(portA, ping), a -> a.getBoolean("success"), 20_000).getBoolean("success"))
        .isTrue();
      List<JsonObject> answers = new ArrayList<>();
      node.freeze();
      try {
        long end = System.currentTimeMillis() + LEASE_OWNER_FREEZE_MS;
        while (System.currentTimeMillis() < end) {
          answers.add(call(portA, ping));
        }
      } finally {
        node.thaw();
      }
      assertThat(answers).as("pings while the member holding the lease entry is frozen")
        .hasSizeGreaterThan(5).allMatch(answer -> answer.getBoolean("success"));
    } finally {
      TestCluster.await(survivor.stop());
    }
  }

  @Test
  @Order(1)
  @DisplayName("a frozen node JVM: calls fail within their timeouts, then it serves again; deletes stay, an add stays")
  void frozenNode() {
    awaitSettled();
    assertThat(echoUntilServed(portA).getBoolean("success")).isTrue();
    Split split = new Split();
    List<JsonObject> answers;
    node.freeze();
    try {
      answers = echoesFor(portA, FREEZE_MS);
      split.changeRegistry("added1");
    } finally {
      node.thaw();
    }
    assertThat(answers).allMatch(answer -> !answer.getBoolean("success"));
    assertThat(answers.get(answers.size() - 1).getString("code")).isEqualTo("UNAVAILABLE");

    node.awaitLine("merged back into the cluster after a split", MERGE_MS);
    split.assertConsistent();
  }

  @Test
  @Order(2)
  @DisplayName("a frozen gateway JVM: the other gateway serves on; once merged it serves the registry of the rest")
  void frozenGateway() {
    awaitSettled();
    assertThat(echoUntilServed(portB).getBoolean("success")).isTrue();
    Split split = new Split();
    List<JsonObject> answers;
    try (WsClient frozenClient = WsClient.connect(client, portB)) {
      gatewayB.freeze();
      try {
        frozenClient.send(echo("sent-while-frozen"));
        answers = echoesFor(portA, FREEZE_MS);
        split.changeRegistry("added2");
        assertThat(httpA.send(HttpMethod.PUT, "/admin/rate-limits", ADMIN, LIMITS.encode()).status()).isEqualTo(200);
      } finally {
        gatewayB.thaw();
      }
      assertThat(frozenClient.next(ECHO_TIMEOUT_MS + 2000).getString("request_id")).isEqualTo("sent-while-frozen");
    }
    // until the frozen member is out, what it holds a primary copy of (a lease, an event-bus subscription) is out of
    // reach: a call may fail, but within its timeout
    assertThat(answers).allMatch(answer -> answer.getBoolean("success")
      || List.of("UNAVAILABLE", "TIMEOUT").contains(answer.getString("code")));
    assertThat(answers.get(answers.size() - 1).getBoolean("success")).isTrue();

    gatewayB.awaitLine("Cluster merged after a split: reloaded the registry index", MERGE_MS);
    split.assertConsistent();
    // when the changes made through A were discarded by the merge, the limits to agree on are those A holds now
    JsonArray limits = split.changesDiscarded() ? apiLimits(httpA) : LIMITS.getJsonArray("api_limits");
    assertThat(Eventually.until(() -> apiLimits(httpB), limits::equals, 10_000))
      .as(() -> "rate limits changed during the split (membership changes: " + membershipChanges() + ")")
      .isEqualTo(limits);
    assertThat(httpA.send(HttpMethod.POST, "/admin/functions/demo/echo/0.0.0/disable", ADMIN, null).status())
      .isEqualTo(200);
    assertThat(Eventually.until(() -> call(portB, echo("after-merge")), a -> "DISABLED".equals(a.getString("code")),
      10_000).getString("code")).as("a change after the merge reaches the merged gateway").isEqualTo("DISABLED");
    httpA.send(HttpMethod.POST, "/admin/functions/demo/echo/0.0.0/enable", ADMIN, null);
    assertThat(echoUntilServed(portB).getBoolean("success")).isTrue();
  }

  /**
   * One split: the registry and the owner of each entry before it, the changes made on the larger side during it,
   * and what the registry must hold after the merge.
   */
  private static final class Split {
    final Set<Member> members = new HashSet<>(hazelcast.getCluster().getMembers());
    final Map<String, Member> owners = new HashMap<>();
    final Set<String> expected = new HashSet<>(functions().keySet());
    final List<String> deleted = new ArrayList<>();
    final int mergesOfA = gatewayA.linesContaining(MERGING).size();
    String added;

    Split() {
      expected.forEach(key -> owners.put(key, hazelcast.getPartitionService().getPartition(key).getOwner()));
    }

    /**
     * Once the frozen member is out: deletes functions whose primary copy it held (so its side of the split still
     * has them), and pushes a new service.
     */
    void changeRegistry(String service) {
      awaitMembers(members.size() - 1);
      Set<Member> gone = new HashSet<>(members);
      gone.removeAll(hazelcast.getCluster().getMembers());
      owners.forEach((key, owner) -> {
        if (key.startsWith("doomed/") && gone.contains(owner) && deleted.size() < 3) {
          deleted.add(key);
        }
      });
      assertThat(deleted).as("functions whose primary copy was on the frozen member").isNotEmpty();
      for (String key : deleted) {
        // 404: an attempt that gave up had deleted it; that the key is gone is checked once the cluster heals
        assertThat(Eventually.until(() -> httpA.attempt(HttpMethod.DELETE, "/admin/functions/" + key, ADMIN, null,
          ADMIN_ATTEMPT_MS), reply -> reply != null && (reply.status() == 200 || reply.status() == 404),
          ADMIN_RETRY_MS).status()).isIn(200, 404);
      }
      JsonObject push = new JsonObject().put("service", service).put("config_version", "1")
        .put("fun_configs", new JsonArray().add(new JsonObject().put("service", service).put("request_type", "hello")));
      assertThat(Eventually.until(() -> httpA.attempt(HttpMethod.POST, "/admin/push", ADMIN, push.encode(),
        ADMIN_ATTEMPT_MS), reply -> reply != null && reply.status() == 200, ADMIN_RETRY_MS).status()).isEqualTo(200);
      added = service + "/hello/0.0.0";
      expected.removeAll(deleted);
      expected.add(added);
    }

    /** @return whether gateway A merged into another side during the split, which discards the changes made on it */
    boolean changesDiscarded() {
      return gatewayA.linesContaining(MERGING).size() > mergesOfA;
    }

    /** Both gateways serve the node, know exactly the registry of the larger side, and list the node's lease. */
    void assertConsistent() {
      // what a member reads waits while the merge's migrations run: on a loaded machine a minute and more
      awaitSettled();
      if (changesDiscarded()) {
        // a cascade on an overloaded machine (gateway A itself stalled past the heartbeat timeout) left the changes
        // made through A on the side that lost the merge: Hazelcast discarded them by design, so the registry to
        // agree on is the one the merge kept
        System.out.printf("gateway A merged into another side during the split (%s): the changes made through it "
          + "were discarded; checking that every gateway serves the merged registry%n", membershipChanges());
        expected.clear();
        expected.addAll(functions().keySet());
      }
      for (Http http : List.of(httpA, httpB)) {
        assertThat(Eventually.until(() -> http.functionKeys(ADMIN), expected::equals, 10_000))
          .as(() -> String.format("the registry as %s lists it (deleted during the split: %s; membership changes: %s)",
            http == httpA ? "gateway A" : "gateway B", deleted, membershipChanges())).isEqualTo(expected);
        assertThat(http.get("/admin/nodes", ADMIN).array().stream().map(n -> ((JsonObject) n).getString("node")))
          .contains("demo-1");
      }
      assertThat(echoUntilServed(portA).getBoolean("success")).isTrue();
      assertThat(echoUntilServed(portB).getBoolean("success")).isTrue();
      sleep(3 * VERIFY_MS);
      assertThat(functions().keySet()).as("the registry after the node pushed again").isEqualTo(expected);
      assertThat(httpB.functionKeys(ADMIN)).isEqualTo(expected);
    }
  }

  /** @return what each JVM logged about members suspected, merges and reloads, to tell a cascade on a failure */
  private static Map<String, List<String>> membershipChanges() {
    Map<String, List<String>> changes = new HashMap<>();
    Map.of("gateway A", gatewayA, "gateway B", gatewayB, "node", node).forEach((name, jvm) -> changes.put(name,
      jvm.linesContaining("").stream().filter(line -> line.contains("is suspected to be dead")
        || line.contains(MERGING) || line.contains("reloaded"))
        .map(line -> line.substring(0, Math.min(line.length(), 240))).toList()));
    return changes;
  }

  private static JsonArray apiLimits(Http http) {
    return http.get("/admin/rate-limits", ADMIN).json().getJsonArray("api_limits");
  }

  private static IMap<String, String> functions() {
    return hazelcast.getMap(Addresses.FUNCTIONS_MAP);
  }

  /** Calls echo on one connection, one call at a time, for that long; each answer must come within the timeout. */
  private static List<JsonObject> echoesFor(int port, long durationMs) {
    List<JsonObject> answers = new ArrayList<>();
    long end = System.currentTimeMillis() + durationMs;
    try (WsClient ws = WsClient.connect(client, port)) {
      for (int i = 0; System.currentTimeMillis() < end; i++) {
        ws.send(echo("split-" + i));
        answers.add(ws.next(ECHO_TIMEOUT_MS + 1500));
        sleep(200);
      }
    }
    return answers;
  }

  private static JsonObject echoUntilServed(int port) {
    return Eventually.until(() -> call(port, echo(UUID.randomUUID().toString())), a -> a.getBoolean("success"),
      20_000);
  }

  private static JsonObject call(int port, JsonObject frame) {
    try (WsClient ws = WsClient.connect(client, port)) {
      ws.send(frame);
      return ws.next(ECHO_TIMEOUT_MS + 1500);
    }
  }

  private static JsonObject echo(String id) {
    return WsClient.call(id, "demo", "echo", new JsonObject().put("message", "hi"));
  }

  /** Waits until all four members are in and every partition has its backups (no migration left from a merge). */
  private static void awaitSettled() {
    awaitMembers(4);
    assertThat(Eventually.until(() -> hazelcast.getPartitionService().isClusterSafe(), safe -> safe, SETTLE_MS))
      .as("cluster safe").isTrue();
  }

  private static void awaitMembers(int count) {
    assertThat(Eventually.until(() -> hazelcast.getCluster().getMembers().size(), n -> n == count, MERGE_MS))
      .as("cluster members").isEqualTo(count);
  }


  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
