package dev.genapi.dispatch;

import dev.genapi.api.ErrorCode;
import dev.genapi.api.FunConfig;
import dev.genapi.api.GenApiException;
import dev.genapi.config.FunctionRegistry;
import dev.genapi.protocol.Request;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

@DisplayName("Node selection")
class NodeSelectorTest {

  private final List<String> gone = new java.util.ArrayList<>();
  private final NodeRegistry nodes = new NodeRegistry(60_000, "member-1", new FunctionRegistry(), gone::add);
  private final NodeSelector selector = new NodeSelector(nodes);

  @BeforeEach
  void leases() {
    lease("n3", "member-2", "svc");
    lease("n1", "member-1", "svc");
    lease("n2", "member-2", "svc");
    lease("other", "member-1", "elsewhere");
  }

  private void lease(String name, String member, String service) {
    nodes.renewed(name, new JsonObject().put("node", name).put("member", member)
      .put("services", new JsonArray().add(service)).encode());
  }

  private static FunConfig fun(String requestType, String extra) {
    return FunConfig.fromJson(new JsonObject("{\"service\":\"svc\",\"request_type\":\"" + requestType + "\"" + extra + "}"));
  }

  private static Request request(String id, String userId, JsonObject args) {
    return new Request(id, "svc", "t", null, args, userId, null, List.of(), null, null);
  }

  @Test
  @DisplayName("every order holds each allowed live node once, the chosen one first")
  void orderHoldsAllNodes() {
    List<String> order = selector.order(fun("a", ""), request("r", null, new JsonObject()));
    assertThat(order).containsExactlyInAnyOrder("n1", "n2", "n3");
  }

  @Test
  @DisplayName("round robin visits the nodes in turn, with a counter per function")
  void roundRobin() {
    FunConfig a = fun("a", ",\"choose_node_mode\":\"round_robin\"");
    FunConfig b = fun("b", ",\"choose_node_mode\":\"round_robin\"");
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 30; i++) {
      counts.merge(selector.order(a, request("r" + i, null, new JsonObject())).get(0), 1, Integer::sum);
    }
    assertThat(counts).containsOnly(Map.entry("n1", 10), Map.entry("n2", 10), Map.entry("n3", 10));
    assertThat(selector.order(b, request("x", null, new JsonObject()))).containsExactly("n1", "n2", "n3");
    assertThat(selector.order(b, request("y", null, new JsonObject()))).containsExactly("n2", "n3", "n1");
  }

  @Test
  @DisplayName("hash keeps a request_id, or an arg's value, on one node")
  void hash() {
    FunConfig byId = fun("a", ",\"choose_node_mode\":\"hash\"");
    FunConfig byArg = fun("b", ",\"choose_node_mode\":{\"mode\":\"hash\",\"key\":\"k\"}");
    Set<String> spread = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      String first = selector.order(byId, request("id-" + i, null, new JsonObject())).get(0);
      assertThat(selector.order(byId, request("id-" + i, null, new JsonObject())).get(0)).isEqualTo(first);
      spread.add(selector.order(byArg, request("r" + i, null, new JsonObject().put("k", "key-" + i))).get(0));
      assertThat(selector.order(byArg, request("other" + i, null, new JsonObject().put("k", "key-7"))).get(0))
        .isEqualTo(selector.order(byArg, request("x", null, new JsonObject().put("k", "key-7"))).get(0));
    }
    assertThat(spread).hasSize(3);
  }

  @Test
  @DisplayName("sticky keeps a user on one node per function, and moves it when that node is gone")
  void sticky() {
    FunConfig fn = fun("a", ",\"choose_node_mode\":{\"mode\":\"sticky\",\"key\":\"user_id\"}");
    String first = selector.order(fn, request("r0", "alice", new JsonObject())).get(0);
    for (int i = 1; i < 20; i++) {
      assertThat(selector.order(fn, request("r" + i, "alice", new JsonObject())).get(0)).isEqualTo(first);
    }
    nodes.markUnreachable(first);
    assertThat(gone).containsExactly(first);
    String moved = selector.order(fn, request("r", "alice", new JsonObject())).get(0);
    assertThat(moved).isNotEqualTo(first);
    assertThat(selector.order(fn, request("r", "alice", new JsonObject())).get(0)).isEqualTo(moved);
  }

  @Test
  @DisplayName("a node list keeps only its live nodes; local keeps this JVM's; none live is UNAVAILABLE")
  void candidates() {
    assertThat(selector.order(fun("a", ",\"nodes\":[\"n2\",\"ghost\"]"), request("r", null, new JsonObject())))
      .containsExactly("n2");
    assertThat(selector.order(fun("a", ",\"nodes\":\"local\""), request("r", null, new JsonObject())))
      .containsExactly("n1");
    GenApiException none = catchThrowableOfType(GenApiException.class,
      () -> selector.order(fun("a", ",\"nodes\":[\"ghost\"]"), request("r", null, new JsonObject())));
    assertThat(none.code()).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(none.getMessage()).isEqualTo("Service unavailable: svc");
  }

  @Test
  @DisplayName("a node whose lease lists its functions gets only the calls of those")
  void declaredFunctions() {
    nodes.renewed("n4", new JsonObject().put("node", "n4").put("member", "member-2")
      .put("services", new JsonArray().add("svc")).put("functions", new JsonArray().add("svc/b/0.0.0")).encode());
    assertThat(selector.order(fun("a", ""), request("r", null, new JsonObject())))
      .containsExactlyInAnyOrder("n1", "n2", "n3");
    assertThat(selector.order(fun("b", ""), request("r", null, new JsonObject())))
      .containsExactlyInAnyOrder("n1", "n2", "n3", "n4");
    assertThat(selector.order(fun("a", ",\"nodes\":[\"n4\",\"n2\"]"), request("r", null, new JsonObject())))
      .containsExactly("n2");
  }
}
