package dev.genapi.it;

import dev.genapi.api.FunConfig;
import dev.genapi.demo.DemoService;
import dev.genapi.gateway.GatewayOptions;
import dev.genapi.testing.DemoCluster;
import dev.genapi.testing.Eventually;
import dev.genapi.testing.Http;
import dev.genapi.testing.WsClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample call of every function in {@code GET /api/functions}, sent as it is over a real WebSocket to a gateway
 * and a demo node of one cluster.
 */
@DisplayName("Sample calls in the catalogue")
class SampleCallsClusterTest {

  private static final String ADMIN = "samples-admin-token";
  private static DemoCluster cluster;
  private static Http http;

  @BeforeAll
  static void start() {
    cluster = DemoCluster.start(new GatewayOptions().setAdminToken(ADMIN));
    http = new Http(cluster.clients(), cluster.port());
  }

  @AfterAll
  static void stop() {
    http.close();
    cluster.close();
  }

  @Test
  @DisplayName("every demo function carries a sample call of itself, and no sample sent over a WebSocket is "
    + "answered INVALID_ARGUMENT")
  void demoSamplesAreValidCalls() {
    Map<String, JsonObject> catalogue = catalogue();
    assertThat(catalogue.keySet()).containsAll(DemoService.functions().stream().map(FunConfig::key).toList());
    Map<String, String> outcomes = new TreeMap<>();
    try (WsClient ws = WsClient.connect(cluster.clients(), cluster.port())) {
      catalogue.forEach((key, function) -> {
        JsonObject sample = function.getJsonObject("sample");
        assertThat(FunConfig.key(sample.getString("service"), sample.getString("request_type"),
          sample.getString("version"))).isEqualTo(key);
        List<JsonObject> frames = send(ws, sample, function.getString("response_type"));
        assertThat(frames).as(key + " answered " + frames)
          .allMatch(frame -> sample.getString("request_id").equals(frame.getString("request_id")))
          .noneMatch(frame -> "INVALID_ARGUMENT".equals(frame.getString("code")));
        outcomes.put(key, frames.isEmpty() || frames.get(frames.size() - 1).getBoolean("success") ? "ok"
          : frames.get(frames.size() - 1).getString("code"));
      });
    }
    assertThat(outcomes).as("the outcome of each sample").containsAllEntriesOf(Map.ofEntries(
      Map.entry("demo/add/0.0.0", "ok"), Map.entry("demo/admin_stats/0.0.0", "PERMISSION_DENIED"),
      Map.entry("demo/count/0.0.0", "ok"), Map.entry("demo/echo/0.0.0", "ok"), Map.entry("demo/fail/0.0.0", "INTERNAL"),
      Map.entry("demo/get_profile/0.0.0", "PERMISSION_DENIED"), Map.entry("demo/get_user/1.0.0", "ok"),
      Map.entry("demo/get_user/2.0.0", "ok"), Map.entry("demo/notify/0.0.0", "ok"),
      Map.entry("demo/push_to_user/0.0.0", "ok"), Map.entry("demo/slow/0.0.0", "ok"),
      Map.entry("demo/whoami/0.0.0", "PERMISSION_DENIED")));
  }

  @Test
  @DisplayName("the catalogue follows the registry: a disabled function leaves it, and comes back with its sample "
    + "when enabled")
  void catalogueFollowsTheRegistry() {
    String key = "demo/get_user/2.0.0";
    JsonObject before = catalogue().get(key);
    assertThat(before.getJsonObject("sample").getJsonObject("args"))
      .isEqualTo(new JsonObject().put("id", "text").put("fields", new JsonArray().add("text")));
    assertThat(http.send(HttpMethod.POST, "/admin/functions/" + key + "/disable", ADMIN, null).status()).isEqualTo(200);
    assertThat(Eventually.until(SampleCallsClusterTest::catalogue, functions -> !functions.containsKey(key), 10_000))
      .doesNotContainKey(key).containsKey("demo/get_user/1.0.0");
    assertThat(http.send(HttpMethod.POST, "/admin/functions/" + key + "/enable", ADMIN, null).status()).isEqualTo(200);
    assertThat(Eventually.until(SampleCallsClusterTest::catalogue, functions -> functions.containsKey(key), 10_000)
      .get(key)).isEqualTo(before);
  }

  /** @return the catalogue's functions by registry key */
  private static Map<String, JsonObject> catalogue() {
    Map<String, JsonObject> functions = new TreeMap<>();
    http.get("/api/functions", null).json().getJsonArray("functions").stream().map(JsonObject.class::cast)
      .forEach(f -> functions.put(FunConfig.key(f.getString("service"), f.getString("request_type"),
        f.getString("version")), f));
    return functions;
  }

  /** Sends a call and reads its frames up to the last one its response type sends. */
  private static List<JsonObject> send(WsClient ws, JsonObject call, String responseType) {
    ws.send(call);
    if ("none".equals(responseType)) {
      return ws.drain(500);
    }
    List<JsonObject> frames = new ArrayList<>();
    JsonObject frame;
    do {
      frame = ws.next();
      frames.add(frame);
    } while (frame.getBoolean("success") && !last(frame, responseType));
    return frames;
  }

  private static boolean last(JsonObject frame, String responseType) {
    return switch (responseType) {
      case "async" -> !frame.getBoolean("async");
      case "stream" -> !frame.getBoolean("has_more");
      default -> true;
    };
  }
}
