package dev.genapi.dispatch;

import dev.genapi.api.ErrorCode;
import dev.genapi.api.GenApiException;
import dev.genapi.config.FunctionRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static dev.genapi.dispatch.StageCalls.found;
import static dev.genapi.dispatch.StageCalls.function;
import static dev.genapi.dispatch.StageCalls.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

@DisplayName("The node-selection stage")
class NodeSelectionTest {

  private final NodeRegistry nodes = new NodeRegistry(60_000, "member-1", new FunctionRegistry(), name -> { });
  private final NodeSelection stage = new NodeSelection(new NodeSelector(nodes));

  private void lease(String name, String service) {
    nodes.renewed(name, new JsonObject().put("node", name).put("member", "member-1")
      .put("services", new JsonArray().add(service)).encode());
  }

  @Test
  @DisplayName("leaves the order of the live nodes that serve the function on the call, round robin turning")
  void orders() {
    lease("n1", "svc");
    lease("n2", "svc");
    lease("n3", "elsewhere");
    Call first = found(function("rr", ",\"choose_node_mode\":\"round_robin\""), request("rr", null, new JsonObject()));
    Call second = found(first.function(), request("rr", null, new JsonObject()));
    assertThat(stage.apply(first)).isSameAs(Stage.NEXT);
    stage.apply(second);
    assertThat(first.order()).containsExactlyInAnyOrder("n1", "n2");
    assertThat(second.order().get(0)).isNotEqualTo(first.order().get(0));
  }

  @Test
  @DisplayName("no live node of the service ends the call with UNAVAILABLE")
  void noNode() {
    Call call = found(function("lonely", ""), request("lonely", null, new JsonObject()));
    GenApiException e = catchThrowableOfType(GenApiException.class, () -> stage.apply(call));
    assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(e.getMessage()).isEqualTo("Service unavailable: svc");
  }
}
