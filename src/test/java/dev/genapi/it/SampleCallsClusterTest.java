package dev.genapi.it;

import dev.genapi.api.FunConfig;
import dev.genapi.demo.DemoService;
import dev.genapi.gateway.GatewayOptions;
import dev.genapi.testing.DemoCluster;
import dev.genapi.testing.Eventually;
import dev.genapi.testing.Http;
import dev.genapi.testing.WsClient;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample call of every function in {@code GET /api/functions}, sent as it is over a real WebSocket to a gateway
 * and a demo node of one cluster.
 */
@DisplayName("Sample calls in the catalogue")
@ExtendWith(VertxExtension.class)
class SampleCallsClusterTest {

  private static final String ADMIN = "samples-admin-token";
  private static DemoCluster cluster;
  private static Http http;

  @BeforeAll
  static void start(VertxTestContext test) {
    DemoCluster.open(new GatewayOptions().setAdminToken(ADMIN)).map(started -> {
      cluster = started;
      http = new Http(cluster.clients(), cluster.port());
      return started;
    }).onComplete(test.succeedingThenComplete());
  }

  @AfterAll
  static void stop(VertxTestContext test) {
    // rooted on no context: a chain bound to the client's context would never hear that the client closed
    Future.<Void>succeededFuture()
      .compose(start -> http == null ? Future.succeededFuture() : http.shutdown().otherwiseEmpty())
      .eventually(() -> cluster == null ? Future.succeededFuture() : cluster.shutdown())
      .onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("every demo function carries a sample call of itself, and no sample sent over a WebSocket is "
    + "answered INVALID_ARGUMENT")
  void demoSamplesAreValidCalls(VertxTestContext test) {
    Map<String, String> outcomes = new TreeMap<>();
    catalogue().compose(catalogue -> {
      assertThat(catalogue.keySet()).containsAll(DemoService.functions().stream().map(FunConfig::key).toList());
      return WsClient.open(cluster.clients(), cluster.port(), null).compose(ws ->
        sendOneAtATime(ws, new ArrayList<>(catalogue.entrySet()), 0, outcomes).eventually(ws::shutdown));
    }).onComplete(test.succeeding(sent -> test.verify(() -> {
      assertThat(outcomes).as("the outcome of each sample").containsAllEntriesOf(Map.ofEntries(
        Map.entry("demo/add/0.0.0", "ok"), Map.entry("demo/admin_stats/0.0.0", "PERMISSION_DENIED"),
        Map.entry("demo/count/0.0.0", "ok"), Map.entry("demo/echo/0.0.0", "ok"),
        Map.entry("demo/fail/0.0.0", "INTERNAL"), Map.entry("demo/get_profile/0.0.0", "PERMISSION_DENIED"),
        Map.entry("demo/get_user/1.0.0", "ok"), Map.entry("demo/get_user/2.0.0", "ok"),
        Map.entry("demo/notify/0.0.0", "ok"), Map.entry("demo/push_to_user/0.0.0", "ok"),
        Map.entry("demo/slow/0.0.0", "ok"), Map.entry("demo/whoami/0.0.0", "PERMISSION_DENIED")));
      test.completeNow();
    })));
  }

  @Test
  @DisplayName("the catalogue follows the registry: a disabled function leaves it, and comes back with its sample "
    + "when enabled")
  void catalogueFollowsTheRegistry(VertxTestContext test) {
    String key = "demo/get_user/2.0.0";
    catalogue().map(functions -> functions.get(key)).compose(before -> {
      assertThat(before.getJsonObject("sample").getJsonObject("args"))
        .isEqualTo(new JsonObject().put("id", "text").put("fields", new JsonArray().add("text")));
      return admin("/admin/functions/" + key + "/disable")
        .compose(disabled -> until(SampleCallsClusterTest::catalogue, functions -> !functions.containsKey(key), 10_000))
        .map(functions -> assertThat(functions).doesNotContainKey(key).containsKey("demo/get_user/1.0.0"))
        .compose(checked -> admin("/admin/functions/" + key + "/enable"))
        .compose(enabled -> until(SampleCallsClusterTest::catalogue, functions -> functions.containsKey(key), 10_000))
        .map(functions -> assertThat(functions.get(key)).isEqualTo(before));
    }).onComplete(test.succeedingThenComplete());
  }

  /** Sends the samples one after the other, checking each one's frames and noting its outcome. */
  private static Future<Void> sendOneAtATime(WsClient ws, List<Map.Entry<String, JsonObject>> functions, int i,
                                             Map<String, String> outcomes) {
    if (i == functions.size()) {
      return Future.succeededFuture();
    }
    String key = functions.get(i).getKey();
    JsonObject function = functions.get(i).getValue();
    JsonObject sample = function.getJsonObject("sample");
    assertThat(FunConfig.key(sample.getString("service"), sample.getString("request_type"),
      sample.getString("version"))).isEqualTo(key);
    return send(ws, sample, function.getString("response_type")).compose(frames -> {
      assertThat(frames).as(key + " answered " + frames)
        .allMatch(frame -> sample.getString("request_id").equals(frame.getString("request_id")))
        .noneMatch(frame -> "INVALID_ARGUMENT".equals(frame.getString("code")));
      outcomes.put(key, frames.isEmpty() || frames.get(frames.size() - 1).getBoolean("success") ? "ok"
        : frames.get(frames.size() - 1).getString("code"));
      return sendOneAtATime(ws, functions, i + 1, outcomes);
    });
  }

  /** A {@code POST} with the admin token, which must answer 200. */
  private static Future<Void> admin(String path) {
    return http.exchange(HttpMethod.POST, path, ADMIN, null)
      .map(reply -> {
        assertThat(reply.status()).isEqualTo(200);
        return null;
      });
  }

  /** @return the catalogue's functions by registry key */
  private static Future<Map<String, JsonObject>> catalogue() {
    return http.fetch("/api/functions", null).map(reply -> {
      Map<String, JsonObject> functions = new TreeMap<>();
      reply.json().getJsonArray("functions").stream().map(JsonObject.class::cast)
        .forEach(f -> functions.put(FunConfig.key(f.getString("service"), f.getString("request_type"),
          f.getString("version")), f));
      return functions;
    });
  }

  /**
   * Observes every 100 ms until the observation matches, as {@code Eventually.until} does.
   *
   * @return the first observation that matches, or the last one after about {@code timeoutMs}
   */
  private static <T> Future<T> until(Supplier<Future<T>> observe, Predicate<T> done, long timeoutMs) {
    return Eventually.until(cluster.clients(), observe, done, timeoutMs);
  }

  /** Sends a call and reads its frames up to the last one its response type sends. */
  private static Future<List<JsonObject>> send(WsClient ws, JsonObject call, String responseType) {
    if ("none".equals(responseType)) {
      return ws.write(call).compose(written -> ws.quiet(500));
    }
    return ws.write(call).compose(written -> framesUpToLast(ws, responseType, new ArrayList<>()));
  }

  private static Future<List<JsonObject>> framesUpToLast(WsClient ws, String responseType, List<JsonObject> frames) {
    return ws.frame().compose(frame -> {
      frames.add(frame);
      return frame.getBoolean("success") && !last(frame, responseType)
        ? framesUpToLast(ws, responseType, frames) : Future.succeededFuture(frames);
    });
  }

  private static boolean last(JsonObject frame, String responseType) {
    return switch (responseType) {
      case "async" -> !frame.getBoolean("async");
      case "stream" -> !frame.getBoolean("has_more");
      default -> true;
    };
  }
}
