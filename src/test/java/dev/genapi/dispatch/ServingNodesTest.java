package dev.genapi.dispatch;

import dev.genapi.api.FunConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Which functions the live nodes serve")
class ServingNodesTest {

  private static LiveNode node(String name, String member, String... functions) {
    JsonObject lease = new JsonObject().put("node", name).put("member", member)
      .put("services", new JsonArray().add("svc"));
    if (functions.length > 0) {
      lease.put("functions", new JsonArray(List.of(functions)));
    }
    return LiveNode.fromLease(name, lease.encode());
  }

  private static FunConfig fun(String requestType, String extra) {
    return FunConfig.fromJson(new JsonObject("{\"service\":\"svc\",\"request_type\":\"" + requestType + "\"" + extra + "}"));
  }

  private static ServingNodes serving(LiveNode... nodes) {
    return new ServingNodes(List.of(nodes), "member-1");
  }

  @Test
  @DisplayName("a function is served while one live node declares it, and not once the live nodes all left it")
  void declared() {
    LiveNode old = node("old", "member-2", "svc/f/0.0.0", "svc/g/0.0.0");
    LiveNode fresh = node("new", "member-2", "svc/g/0.0.0");
    assertThat(serving(old, fresh).test(fun("f", ""))).isTrue();
    assertThat(serving(fresh).test(fun("f", ""))).isFalse();
    assertThat(serving(fresh).test(fun("g", ""))).isTrue();
  }

  @Test
  @DisplayName("with no allowed node live a function stays served (its calls answer UNAVAILABLE)")
  void noneLive() {
    assertThat(serving().test(fun("f", ""))).isTrue();
    assertThat(serving(node("new", "member-2", "svc/g/0.0.0")).test(fun("f", ",\"nodes\":[\"old\"]"))).isTrue();
  }

  @Test
  @DisplayName("only the nodes a function allows count: a node list, or this JVM's for local")
  void allowed() {
    LiveNode here = node("here", "member-1", "svc/g/0.0.0");
    LiveNode there = node("there", "member-2", "svc/f/0.0.0");
    assertThat(serving(here, there).test(fun("f", ",\"nodes\":\"local\""))).isFalse();
    assertThat(serving(here, there).test(fun("f", ",\"nodes\":[\"here\"]"))).isFalse();
    assertThat(serving(here, there).test(fun("f", ",\"nodes\":[\"here\",\"there\"]"))).isTrue();
  }

  @Test
  @DisplayName("a lease that lists no functions serves every function of its services")
  void undeclared() {
    assertThat(serving(node("legacy", "member-2")).test(fun("anything", ""))).isTrue();
  }
}
