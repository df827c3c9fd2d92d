package dev.genapi.it;

import dev.genapi.cluster.Addresses;
import dev.genapi.cluster.ClusterOptions;
import dev.genapi.cluster.ClusterSupport;
import dev.genapi.cluster.Seal;
import dev.genapi.demo.DemoService;
import dev.genapi.gateway.Gateway;
import dev.genapi.gateway.GatewayOptions;
import dev.genapi.node.ServiceNode;
import dev.genapi.node.ServiceNodeOptions;
import dev.genapi.ratelimit.RateLimitOptions;
import dev.genapi.testing.Eventually;
import dev.genapi.testing.Http;
import dev.genapi.testing.LogCapture;
import dev.genapi.testing.TestCluster;
import dev.genapi.testing.WsClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.genapi.testing.TestCluster.await;
import static dev.genapi.testing.WsClient.call;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two gateways and a demo node: one key's state and its reset, and limits added and removed one at a time, through
 * the admin API of either gateway.
 */
@DisplayName("Rate-limit operations across two gateways")
class RateLimitOpsClusterTest {

  private static final String ADMIN = "ops-admin";
  private static final String ECHO_LIMIT =
    "{\"service\":\"demo\",\"request_type\":\"echo\",\"key\":\"user_id\",\"max_requests\":3,\"window_ms\":60000}";

  private static final List<Vertx> members = new ArrayList<>();
  private static final List<Gateway> gateways = new ArrayList<>();
  private static Vertx client;
  private static Http admin1;
  private static Http admin2;

  @BeforeAll
  static void start() {
    ClusterOptions cluster = TestCluster.newCluster();
    for (int i = 0; i < 2; i++) {
      Vertx member = TestCluster.member(cluster);
      members.add(member);
      gateways.add(await(Gateway.start(member, new GatewayOptions().setPort(TestCluster.freePort())
        .setAdminToken(ADMIN))));
    }
    Vertx nodeVertx = TestCluster.member(cluster);
    members.add(nodeVertx);
    ServiceNode node = DemoService.registerOn(ServiceNode.create(nodeVertx, new ServiceNodeOptions().setName("demo-ops")),
      nodeVertx);
    await(node.start());
    await(node.registered());
    client = Vertx.vertx();
    admin1 = new Http(client, gateways.get(0).port());
    admin2 = new Http(client, gateways.get(1).port());
  }

  @AfterAll
  static void stop() {
    TestCluster.close(client);
    members.forEach(TestCluster::close);
  }

  @Test
  @DisplayName("a budget spent on gateway 1 shows in the key's state on gateway 2; a reset there lets the next calls pass on both")
  void stateAndReset() {
    replaceLimits("{\"api_limits\":[" + ECHO_LIMIT + "]}");
    try (WsClient ws1 = WsClient.connect(client, gateways.get(0).port());
         WsClient ws2 = WsClient.connect(client, gateways.get(1).port())) {
      spend(ws1, "spender", 3);
      assertThat(echo(ws1, "spender").getString("code")).isEqualTo("RATE_LIMITED");

      String state = "/admin/rate-limits/state?scope=demo/echo&key=user_id&value=spender";
      JsonObject seen = Eventually.until(() -> admin2.get(state, ADMIN).json(),
        json -> json.getJsonArray("limits").getJsonObject(0).getInteger("count") == 3, 5000);
      assertThat(seen.getString("scope")).isEqualTo("demo/echo");
      assertThat(seen.getString("value")).isEqualTo("spender");
      JsonObject limit = seen.getJsonArray("limits").getJsonObject(0);
      assertThat(limit.getInteger("count")).isEqualTo(3);
      assertThat(limit.getInteger("remaining")).isZero();
      assertThat(limit.getLong("reset_ms")).isBetween(1L, 60_000L);
      assertThat(limit.getInteger("max_requests")).isEqualTo(3);
      assertThat(limit.getBoolean("overflow")).isFalse();
      assertThat(echo(ws2, "spender").getString("code")).as("gateway 2 refuses the key as well").isEqualTo("RATE_LIMITED");

      Http.Reply reset = admin2.send(HttpMethod.POST, "/admin/rate-limits/reset", ADMIN,
        "{\"scope\":\"demo/echo\",\"key\":\"user_id\",\"value\":\"spender\"}");
      assertThat(reset.status()).isEqualTo(200);
      assertThat(reset.json()).isEqualTo(new JsonObject().put("status", "reset").put("gateways", 2));
      assertThat(echo(ws1, "spender").getBoolean("success")).as("the next call on gateway 1").isTrue();
      assertThat(echo(ws2, "spender").getBoolean("success")).as("gateway 2 forgot what gateway 1 had reported")
        .isTrue();
      assertThat(Eventually.until(() -> admin1.get(state, ADMIN).json().getJsonArray("limits").getJsonObject(0)
        .getInteger("count"), count -> count == 2, 5000)).as("counting goes on after the reset").isEqualTo(2);
    }
  }

  @Test
  @DisplayName("outside cluster mode, a reset on gateway 2 still reaches gateway 1")
  void resetOutsideClusterMode() {
    replaceLimits("{\"cluster\":false,\"api_limits\":[" + ECHO_LIMIT + "]}");
    for (Gateway gateway : gateways) {
      assertThat(Eventually.until(gateway::rateLimitGateways, n -> n == 2, 5000)).isEqualTo(2);
    }
    try (WsClient ws1 = WsClient.connect(client, gateways.get(0).port())) {
      spend(ws1, "local-spender", 3);
      assertThat(echo(ws1, "local-spender").getString("code")).isEqualTo("RATE_LIMITED");
      Http.Reply reset = admin2.send(HttpMethod.POST, "/admin/rate-limits/reset", ADMIN,
        "{\"scope\":\"demo/echo\",\"key\":\"user_id\",\"value\":\"local-spender\"}");
      assertThat(reset.json().getInteger("gateways")).isEqualTo(2);
      assertThat(echo(ws1, "local-spender").getBoolean("success")).isTrue();
    }
  }

  @Test
  @DisplayName("a limit added on gateway 1 holds on both and keeps the others; replaced, then removed on gateway 2, calls pass")
  void addAndRemove() {
    replaceLimits("{\"global_limits\":[{\"key\":\"user_id\",\"max_requests\":1000,\"window_ms\":60000}]}");
    String deviceLimit =
      "{\"service\":\"demo\",\"request_type\":\"add\",\"key\":\"device_id\",\"max_requests\":2,\"window_ms\":60000}";
    Http.Reply added = admin1.send(HttpMethod.POST, "/admin/rate-limits/limits", ADMIN, deviceLimit);
    assertThat(added.status()).isEqualTo(201);
    assertThat(added.json()).isEqualTo(new JsonObject().put("status", "added").put("limit", new JsonObject(deviceLimit)));
    awaitApiLimits(1);
    for (Gateway gateway : gateways) {
      assertThat(gateway.rateLimiter().options().getGlobalLimits()).as("the other limits stay").hasSize(1);
    }
    String stored = ClusterSupport.hazelcast(members.get(0)).<String, String>getMap(Addresses.SETTINGS_MAP)
      .get("rate_limits");
    assertThat(new JsonObject(Seal.of(ADMIN).open(Addresses.SETTINGS_MAP, "rate_limits", stored))
      .getJsonArray("api_limits").getJsonObject(0).getString("key")).as("stored sealed with the admin token")
      .isEqualTo("device_id");

    for (int g = 0; g < 2; g++) {
      assertThat(admittedAdds(g, "device-" + g, 4)).as("gateway " + (g + 1)).isEqualTo(2);
    }

    Http.Reply replaced = admin2.send(HttpMethod.POST, "/admin/rate-limits/limits", ADMIN,
      deviceLimit.replace("\"max_requests\":2", "\"max_requests\":6"));
    assertThat(replaced.status()).isEqualTo(200);
    assertThat(replaced.json().getString("status")).isEqualTo("replaced");
    assertThat(replaced.json().getJsonObject("replaced").getInteger("max_requests")).isEqualTo(2);
    for (Gateway gateway : gateways) {
      assertThat(Eventually.until(() -> gateway.rateLimiter().options().getApiLimits().get(0).maxRequests(),
        max -> max == 6, 5000)).isEqualTo(6);
    }

    Http.Reply removed = admin2.send(HttpMethod.DELETE, "/admin/rate-limits/limits", ADMIN,
      "{\"service\":\"demo\",\"request_type\":\"add\",\"key\":\"device_id\"}");
    assertThat(removed.json()).isEqualTo(new JsonObject().put("status", "removed").put("removed", 1));
    awaitApiLimits(0);
    for (int g = 0; g < 2; g++) {
      assertThat(admittedAdds(g, "device-" + g, 10)).as("gateway " + (g + 1) + " without the limit").isEqualTo(10);
    }
    Http.Reply again = admin1.send(HttpMethod.DELETE, "/admin/rate-limits/limits", ADMIN,
      "{\"service\":\"demo\",\"request_type\":\"add\",\"key\":\"device_id\"}");
    assertThat(again.status()).isEqualTo(404);
    assertThat(again.json().getString("error")).isEqualTo("no rate limit with scope demo/add and key device_id");
  }

  @Test
  @DisplayName("limits added at the same time on both gateways are all kept")
  void concurrentAdds() {
    replaceLimits("{}");
    List<Future<Http.Reply>> replies = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      Http admin = i % 2 == 0 ? admin1 : admin2;
      String limit = "{\"key\":\"device_id\",\"max_requests\":100,\"window_ms\":" + (1000 + i) + "}";
      replies.add(members.get(2).executeBlocking(() -> admin.send(HttpMethod.POST, "/admin/rate-limits/limits",
        ADMIN, limit), false));
    }
    replies.forEach(reply -> assertThat(await(reply).status()).isEqualTo(201));
    for (Gateway gateway : gateways) {
      assertThat(Eventually.until(() -> gateway.rateLimiter().options().getGlobalLimits().size(), n -> n == 8, 5000))
        .isEqualTo(8);
    }
  }

  @Test
  @DisplayName("the operations need the admin token, as every admin route")
  void unauthorized() {
    String key = "{\"scope\":\"global\",\"key\":\"user_id\",\"value\":\"a\"}";
    String limit = "{\"key\":\"user_id\",\"max_requests\":1,\"window_ms\":1000}";
    for (String token : new String[] {null, "guess"}) {
      assertThat(admin1.get("/admin/rate-limits/state?scope=global&key=user_id&value=a", token).status())
        .isEqualTo(401);
      assertThat(admin1.send(HttpMethod.POST, "/admin/rate-limits/reset", token, key).status()).isEqualTo(401);
      assertThat(admin2.send(HttpMethod.POST, "/admin/rate-limits/limits", token, limit).status()).isEqualTo(401);
      assertThat(admin2.send(HttpMethod.DELETE, "/admin/rate-limits/limits", token, limit).status()).isEqualTo(401);
    }
    for (Gateway gateway : gateways) {
      assertThat(gateway.rateLimiter().options().getGlobalLimits()).noneMatch(l -> l.windowMs() == 1000
        && l.maxRequests() == 1);
    }
  }

  @Test
  @DisplayName("bad input answers 400 naming the problem, a scope and key no limit has 404, and nothing logs a stack trace")
  void badInput() {
    replaceLimits("{\"global_limits\":[{\"key\":\"user_id\",\"max_requests\":5,\"window_ms\":1000}]}");
    LogCapture log = LogCapture.install();
    try {
      assertError(admin1.get("/admin/rate-limits/state?scope=banana&key=user_id&value=a", ADMIN), 400,
        "invalid rate-limit key: unknown scope \"banana\": expected \"global\" or \"<service>/<request_type>\"");
      assertError(admin1.get("/admin/rate-limits/state?scope=global&value=a", ADMIN), 400,
        "invalid rate-limit key: key is required: user_id, device_id, ip_address or the name of an arg");
      assertError(admin1.get("/admin/rate-limits/state?key=user_id", ADMIN), 400,
        "invalid rate-limit key: scope is required: \"global\" or \"<service>/<request_type>\"; "
          + "value is required: the key's value, a string or a number (such as the user_id)");
      assertError(admin1.get("/admin/rate-limits/state?scope=demo/nope&key=user_id&value=a", ADMIN), 404,
        "no rate limit with scope demo/nope and key user_id");
      assertError(admin2.send(HttpMethod.POST, "/admin/rate-limits/reset", ADMIN,
        "{\"scope\":\"global\",\"key\":\"user_id\"}"), 400,
        "invalid rate-limit key: value is required: the key's value, a string or a number (such as the user_id)");
      assertError(admin2.send(HttpMethod.POST, "/admin/rate-limits/reset", ADMIN,
        "{\"scope\":\"global\",\"key\":\"device_id\",\"value\":\"a\"}"), 404,
        "no rate limit with scope global and key device_id");
      assertThat(admin2.send(HttpMethod.POST, "/admin/rate-limits/reset", ADMIN, "[1").status()).isEqualTo(400);
      Http.Reply limit = admin1.send(HttpMethod.POST, "/admin/rate-limits/limits", ADMIN,
        "{\"service\":\"demo\",\"key\":\"user_id\",\"max_requests\":0,\"window_ms\":1000}");
      assertThat(limit.status()).isEqualTo(400);
      assertThat(limit.json().getJsonArray("reasons")).containsExactly("limit: request_type must be a non-empty string",
        "limit: max_requests must be an integer between 1 and 100000");
      assertError(admin1.send(HttpMethod.DELETE, "/admin/rate-limits/limits", ADMIN, "{}"), 400,
        "invalid rate limit: key must be a non-empty string");
      assertThat(admin1.send(HttpMethod.DELETE, "/admin/rate-limits/limits", ADMIN, null).status()).isEqualTo(400);
    } finally {
      log.closeAndAssertNoStackTraces();
    }
    assertThat(gateways.get(0).rateLimiter().options().getGlobalLimits()).hasSize(1);
  }

  /** Replaces every limit through gateway 1 and waits until both gateways apply exactly these. */
  private static void replaceLimits(String json) {
    Http.Reply reply = admin1.send(HttpMethod.PUT, "/admin/rate-limits", ADMIN, json);
    assertThat(reply.status()).isEqualTo(200);
    JsonObject expected = reply.json();
    for (Gateway gateway : gateways) {
      assertThat(Eventually.until(() -> gateway.rateLimiter().options().toJson(), expected::equals, 5000))
        .isEqualTo(expected);
    }
  }

  private static void awaitApiLimits(int count) {
    for (Gateway gateway : gateways) {
      assertThat(Eventually.until(() -> gateway.rateLimiter().options().getApiLimits().size(), n -> n == count, 5000))
        .isEqualTo(count);
    }
  }

  private static JsonObject echo(WsClient ws, String user) {
    ws.send(call("echo-" + System.nanoTime(), "demo", "echo", new JsonObject().put("message", "m")).put("user_id", user));
    return ws.next();
  }

  /**
   * Calls echo as the user until the gateway admitted {@code budget} calls. In cluster mode a key near its limit may
   * be refused for one exchange round more than needed (until the other gateway's round arrives), so a refusal waits
   * two rounds and calls again.
   */
  private static void spend(WsClient ws, String user, int budget) {
    int admitted = 0;
    for (int attempt = 0; admitted < budget && attempt < 3 * budget; attempt++) {
      if (echo(ws, user).getBoolean("success")) {
        admitted++;
      } else {
        sleep(2 * RateLimitOptions.DEFAULT_SYNC_INTERVAL_MS);
      }
    }
    assertThat(admitted).isEqualTo(budget);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Calls demo add from one device through one gateway; returns how many were admitted. */
  private static int admittedAdds(int gateway, String device, int calls) {
    try (WsClient ws = WsClient.connect(client, gateways.get(gateway).port())) {
      int admitted = 0;
      for (int i = 0; i < calls; i++) {
        ws.send(call("add-" + i, "demo", "add", new JsonObject().put("a", 1).put("b", 2)).put("device_id", device)
          .put("user_id", "adder"));
        JsonObject answer = ws.next();
        if (answer.getBoolean("success")) {
          admitted++;
        } else {
          assertThat(answer.getString("code")).isEqualTo("RATE_LIMITED");
        }
      }
      return admitted;
    }
  }

  private static void assertError(Http.Reply reply, int status, String error) {
    assertThat(reply.status()).isEqualTo(status);
    assertThat(reply.json().getString("error")).isEqualTo(error);
  }
}
