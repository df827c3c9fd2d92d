package dev.genapi.it;

import dev.genapi.testing.Eventually;
import dev.genapi.testing.Http;
import dev.genapi.testing.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What a real Prometheus, scraping a local cluster's gateways, answers about the calls they served. */
final class PrometheusQueries {

  private static final String CALL_RATE = "sum(rate(genapi_calls_total{service=\"demo\",request_type=\"echo\"}[1m]))";
  private static final String ECHO_BUCKETS =
    "count by (instance) (genapi_call_duration_seconds_bucket{service=\"demo\",request_type=\"echo\",code=\"OK\"})";

  private PrometheusQueries() {
  }

  /**
   * Calls the demo's echo on the first gateway for a few seconds, then expects Prometheus to answer a positive call
   * rate and the default 8 buckets plus {@code +Inf} per gateway that served echo.
   */
  static void assertCallsScraped(Vertx vertx, int gatewayPort, int prometheusPort) throws InterruptedException {
    try (Http gateway = new Http(vertx, gatewayPort); Http prometheus = new Http(vertx, prometheusPort)) {
      for (int i = 0; i < 30; i++) {
        assertThat(gateway.send(HttpMethod.POST, "/api/call", null,
          WsClient.call("p" + i, "demo", "echo", new JsonObject().put("message", "scraped")).encode()).status())
          .isEqualTo(200);
        Thread.sleep(100);
      }
      JsonArray rate = Eventually.until(() -> query(prometheus, CALL_RATE),
        result -> !result.isEmpty() && value(result.getJsonObject(0)) > 0, 40_000);
      assertThat(rate).as("Prometheus: " + CALL_RATE).isNotEmpty();
      assertThat(value(rate.getJsonObject(0))).as("calls per second").isPositive();
      JsonArray buckets = query(prometheus, ECHO_BUCKETS);
      assertThat(buckets).as("Prometheus: " + ECHO_BUCKETS).isNotEmpty();
      assertThat(buckets).allSatisfy(series -> assertThat(value((JsonObject) series)).isEqualTo(9));
    }
  }

  /**
   * Runs every query of {@code docs/grafana-dashboard.json} in Prometheus (each must be valid PromQL) and expects
   * the dashboard to show every {@code genapi_} metric family the gateway exports.
   */
  static void assertDashboardMatches(Vertx vertx, int gatewayPort, int prometheusPort) throws IOException {
    String dashboard = Files.readString(Path.of("docs", "grafana-dashboard.json"));
    try (Http gateway = new Http(vertx, gatewayPort); Http prometheus = new Http(vertx, prometheusPort)) {
      for (Object panel : new JsonObject(dashboard).getJsonArray("panels")) {
        for (Object target : ((JsonObject) panel).getJsonArray("targets")) {
          query(prometheus, ((JsonObject) target).getString("expr").replace("$__rate_interval", "1m"));
        }
      }
      List<String> families = gateway.get("/metrics", null).raw().toString().lines()
        .filter(line -> line.startsWith("# TYPE genapi_")).map(line -> line.split(" ")[2]).toList();
      assertThat(families).as("metric families the gateway exports").isNotEmpty();
      assertThat(families).allSatisfy(family -> assertThat(dashboard).as("the dashboard shows " + family)
        .contains(family));
    }
  }

  private static JsonArray query(Http prometheus, String promQl) {
    Http.Reply reply = prometheus.get("/api/v1/query?query=" + URLEncoder.encode(promQl, StandardCharsets.UTF_8), null);
    assertThat(reply.status()).as(reply.raw().toString()).isEqualTo(200);
    return reply.json().getJsonObject("data").getJsonArray("result");
  }

  private static double value(JsonObject series) {
    return Double.parseDouble(series.getJsonArray("value").getString(1));
  }
}
