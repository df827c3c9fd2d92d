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
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import java.util.function.Supplier;

import static dev.genapi.testing.WsClient.call;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two gateways and a demo node: one key's state and its reset, and limits added and removed one at a time, through
 * the admin API of either gateway.
 */
@DisplayName("Rate-limit operations across two gateways")
@ExtendWith(VertxExtension.class)
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
  static void start(VertxTestContext test) {
    ClusterOptions cluster = TestCluster.newCluster();
    client = Vertx.vertx();
    inTurn(2, i -> TestCluster.join(cluster).compose(member -> {
      members.add(member);
      return Gateway.start(member, new GatewayOptions().setPort(TestCluster.freePort()).setAdminToken(ADMIN));
    }).map(gateways::add))
      .compose(v -> TestCluster.join(cluster))
      .compose(nodeVertx -> {
        members.add(nodeVertx);
        ServiceNode node = DemoService.registerOn(ServiceNode.create(nodeVertx,
          new ServiceNodeOptions().setName("demo-ops")), nodeVertx);
        return node.start().compose(started -> node.registered());
      })
      .onComplete(test.succeeding(registered -> {
        admin1 = new Http(client, gateways.get(0).port());
        admin2 = new Http(client, gateways.get(1).port());
        test.completeNow();
      }));
  }

  @AfterAll
  static void stop(VertxTestContext test) {
    List<Vertx> all = new ArrayList<>(members);
    all.add(0, client);
    TestCluster.leave(all.toArray(Vertx[]::new)).onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("a budget spent on gateway 1 shows in the key's state on gateway 2; a reset there lets the next calls pass on both")
  void stateAndReset(VertxTestContext test) {
    String state = "/admin/rate-limits/state?scope=demo/echo&key=user_id&value=spender";
    replaceLimits("{\"api_limits\":[" + ECHO_LIMIT + "]}")
      .compose(v -> WsClient.open(client, gateways.get(0).port(), null))
      .compose(ws1 -> WsClient.open(client, gateways.get(1).port(), null).compose(ws2 -> spend(ws1, "spender", 3)
        .compose(v -> echo(ws1, "spender"))
        .map(answer -> assertThat(answer.getString("code")).isEqualTo("RATE_LIMITED"))
        .compose(v -> observed(() -> admin2.fetch(state, ADMIN).map(Http.Reply::json),
          json -> json.getJsonArray("limits").getJsonObject(0).getInteger("count") == 3, 5000))
        .map(RateLimitOpsClusterTest::spentState)
        .compose(v -> echo(ws2, "spender"))
        .map(answer -> assertThat(answer.getString("code")).as("gateway 2 refuses the key as well")
          .isEqualTo("RATE_LIMITED"))
        .compose(v -> admin2.exchange(HttpMethod.POST, "/admin/rate-limits/reset", ADMIN,
          "{\"scope\":\"demo/echo\",\"key\":\"user_id\",\"value\":\"spender\"}"))
        .map(reset -> {
          assertThat(reset.status()).isEqualTo(200);
          return assertThat(reset.json()).isEqualTo(new JsonObject().put("status", "reset").put("gateways", 2));
        })
        .compose(v -> echo(ws1, "spender"))
        .map(answer -> assertThat(answer.getBoolean("success")).as("the next call on gateway 1").isTrue())
        .compose(v -> echo(ws2, "spender"))
        .map(answer -> assertThat(answer.getBoolean("success")).as("gateway 2 forgot what gateway 1 had reported")
          .isTrue())
        .compose(v -> observed(() -> admin1.fetch(state, ADMIN).map(reply -> reply.json().getJsonArray("limits")
          .getJsonObject(0).getInteger("count")), count -> count == 2, 5000))
        .map(count -> assertThat(count).as("counting goes on after the reset").isEqualTo(2))
        .eventually(ws2::shutdown))
        .eventually(ws1::shutdown))
      .onComplete(test.succeedingThenComplete());
  }

  /** The state of the spender's key, as gateway 2 sees it once gateway 1 spent its budget. */
  private static Void spentState(JsonObject seen) {
    assertThat(seen.getString("scope")).isEqualTo("demo/echo");
    assertThat(seen.getString("value")).isEqualTo("spender");
    JsonObject limit = seen.getJsonArray("limits").getJsonObject(0);
    assertThat(limit.getInteger("count")).isEqualTo(3);
    assertThat(limit.getInteger("remaining")).isZero();
    assertThat(limit.getLong("reset_ms")).isBetween(1L, 60_000L);
    assertThat(limit.getInteger("max_requests")).isEqualTo(3);
    assertThat(limit.getBoolean("overflow")).isFalse();
    return null;
  }

  @Test
  @DisplayName("outside cluster mode, a reset on gateway 2 still reaches gateway 1")
  void resetOutsideClusterMode(VertxTestContext test) {
    replaceLimits("{\"cluster\":false,\"api_limits\":[" + ECHO_LIMIT + "]}")
      .compose(v -> onEachGateway(gateway -> Eventually.poll(client, () -> gateway.rateLimitGateways() == 2, 5000,
        () -> "rate-limit gateways: " + gateway.rateLimitGateways())))
      .compose(v -> WsClient.open(client, gateways.get(0).port(), null))
      .compose(ws1 -> spend(ws1, "local-spender", 3)
        .compose(v -> echo(ws1, "local-spender"))
        .map(answer -> assertThat(answer.getString("code")).isEqualTo("RATE_LIMITED"))
        .compose(v -> admin2.exchange(HttpMethod.POST, "/admin/rate-limits/reset", ADMIN,
          "{\"scope\":\"demo/echo\",\"key\":\"user_id\",\"value\":\"local-spender\"}"))
        .map(reset -> assertThat(reset.json().getInteger("gateways")).isEqualTo(2))
        .compose(v -> echo(ws1, "local-spender"))
        .map(answer -> assertThat(answer.getBoolean("success")).isTrue())
        .eventually(ws1::shutdown))
      .onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("a limit added on gateway 1 holds on both and keeps the others; replaced, then removed on gateway 2, calls pass")
  void addAndRemove(VertxTestContext test) {
    String deviceLimit =
      "{\"service\":\"demo\",\"request_type\":\"add\",\"key\":\"device_id\",\"max_requests\":2,\"window_ms\":60000}";
    replaceLimits("{\"global_limits\":[{\"key\":\"user_id\",\"max_requests\":1000,\"window_ms\":60000}]}")
      .compose(v -> admin1.exchange(HttpMethod.POST, "/admin/rate-limits/limits", ADMIN, deviceLimit))
      .map(added -> {
        assertThat(added.status()).isEqualTo(201);
        return assertThat(added.json())
          .isEqualTo(new JsonObject().put("status", "added").put("limit", new JsonObject(deviceLimit)));
      })
      .compose(v -> apiLimits(1))
      .map(v -> {
        gateways.forEach(gateway -> assertThat(gateway.rateLimiter().options().getGlobalLimits())
          .as("the other limits stay").hasSize(1));
        return null;
      })
      .compose(v -> storedSealed())
      .compose(v -> inTurn(2, g -> admittedAdds(g, "device-" + g, 4)
        .map(admitted -> assertThat(admitted).as("gateway " + (g + 1)).isEqualTo(2))))
      .compose(v -> replacedOnGateway2(deviceLimit))
      .compose(v -> removedOnGateway2())
      .compose(v -> inTurn(2, g -> admittedAdds(g, "device-" + g, 10)
        .map(admitted -> assertThat(admitted).as("gateway " + (g + 1) + " without the limit").isEqualTo(10))))
      .compose(v -> admin1.exchange(HttpMethod.DELETE, "/admin/rate-limits/limits", ADMIN,
        "{\"service\":\"demo\",\"request_type\":\"add\",\"key\":\"device_id\"}"))
      .map(again -> {
        assertThat(again.status()).isEqualTo(404);
        return assertThat(again.json().getString("error"))
          .isEqualTo("no rate limit with scope demo/add and key device_id");
      })
      .onComplete(test.succeedingThenComplete());
  }

  /** The limits as stored in the cluster's settings map: sealed with the admin token. */
  private static Future<Void> storedSealed() {
    return Future.fromCompletionStage(ClusterSupport.hazelcast(members.get(0))
        .<String, String>getMap(Addresses.SETTINGS_MAP).getAsync("rate_limits"), client.getOrCreateContext())
      .map(stored -> {
        assertThat(new JsonObject(Seal.of(ADMIN).open(Addresses.SETTINGS_MAP, "rate_limits", stored))
          .getJsonArray("api_limits").getJsonObject(0).getString("key")).as("stored sealed with the admin token")
          .isEqualTo("device_id");
        return null;
      });
  }

  private static Future<Void> replacedOnGateway2(String deviceLimit) {
    return admin2.exchange(HttpMethod.POST, "/admin/rate-limits/limits", ADMIN,
        deviceLimit.replace("\"max_requests\":2", "\"max_requests\":6"))
      .map(replaced -> {
        assertThat(replaced.status()).isEqualTo(200);
        assertThat(replaced.json().getString("status")).isEqualTo("replaced");
        return assertThat(replaced.json().getJsonObject("replaced").getInteger("max_requests")).isEqualTo(2);
      })
      .compose(v -> onEachGateway(gateway -> Eventually.poll(client,
        () -> gateway.rateLimiter().options().getApiLimits().get(0).maxRequests() == 6, 5000,
        () -> "max_requests: " + gateway.rateLimiter().options().getApiLimits().get(0).maxRequests())));
  }

  private static Future<Void> removedOnGateway2() {
    return admin2.exchange(HttpMethod.DELETE, "/admin/rate-limits/limits", ADMIN,
        "{\"service\":\"demo\",\"request_type\":\"add\",\"key\":\"device_id\"}")
      .map(removed -> assertThat(removed.json())
        .isEqualTo(new JsonObject().put("status", "removed").put("removed", 1)))
      .compose(v -> apiLimits(0));
  }

  @Test
  @DisplayName("limits added at the same time on both gateways are all kept")
  void concurrentAdds(VertxTestContext test) {
    replaceLimits("{}").compose(v -> {
      List<Future<Http.Reply>> replies = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        Http admin = i % 2 == 0 ? admin1 : admin2;
        String limit = "{\"key\":\"device_id\",\"max_requests\":100,\"window_ms\":" + (1000 + i) + "}";
        replies.add(admin.exchange(HttpMethod.POST, "/admin/rate-limits/limits", ADMIN, limit));
      }
      return Future.all(replies).map(all -> {
        replies.forEach(reply -> assertThat(reply.result().status()).isEqualTo(201));
        return null;
      });
    })
      .compose(v -> onEachGateway(gateway -> Eventually.poll(client,
        () -> gateway.rateLimiter().options().getGlobalLimits().size() == 8, 5000,
        () -> "global limits: " + gateway.rateLimiter().options().getGlobalLimits().size())))
      .onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("the operations need the admin token, as every admin route")
  void unauthorized(VertxTestContext test) {
    String key = "{\"scope\":\"global\",\"key\":\"user_id\",\"value\":\"a\"}";
    String limit = "{\"key\":\"user_id\",\"max_requests\":1,\"window_ms\":1000}";
    List<String> tokens = java.util.Arrays.asList(null, "guess");
    inTurn(tokens.size(), t -> {
      String token = tokens.get(t);
      return status(admin1.fetch("/admin/rate-limits/state?scope=global&key=user_id&value=a", token), 401)
        .compose(v -> status(admin1.exchange(HttpMethod.POST, "/admin/rate-limits/reset", token, key), 401))
        .compose(v -> status(admin2.exchange(HttpMethod.POST, "/admin/rate-limits/limits", token, limit), 401))
        .compose(v -> status(admin2.exchange(HttpMethod.DELETE, "/admin/rate-limits/limits", token, limit), 401));
    }).onComplete(test.succeeding(v -> test.verify(() -> {
      for (Gateway gateway : gateways) {
        assertThat(gateway.rateLimiter().options().getGlobalLimits()).noneMatch(l -> l.windowMs() == 1000
          && l.maxRequests() == 1);
      }
      test.completeNow();
    })));
  }

  @Test
  @DisplayName("bad input answers 400 naming the problem, a scope and key no limit has 404, and nothing logs a stack trace")
  void badInput(VertxTestContext test) {
    LogCapture[] log = new LogCapture[1];
    replaceLimits("{\"global_limits\":[{\"key\":\"user_id\",\"max_requests\":5,\"window_ms\":1000}]}")
      .compose(v -> {
        log[0] = LogCapture.install();
        return badStateQueries()
          .compose(queried -> badResetsAndLimits())
          .eventually(() -> Future.succeededFuture().map(closing -> {
            log[0].closeAndAssertNoStackTraces();
            return closing;
          }));
      })
      .onComplete(test.succeeding(v -> test.verify(() -> {
        assertThat(gateways.get(0).rateLimiter().options().getGlobalLimits()).hasSize(1);
        test.completeNow();
      })));
  }

  private static Future<Void> badStateQueries() {
    return error(admin1.fetch("/admin/rate-limits/state?scope=banana&key=user_id&value=a", ADMIN), 400,
        "invalid rate-limit key: unknown scope \"banana\": expected \"global\" or \"<service>/<request_type>\"")
      .compose(v -> error(admin1.fetch("/admin/rate-limits/state?scope=global&value=a", ADMIN), 400,
        "invalid rate-limit key: key is required: user_id, device_id, ip_address or the name of an arg"))
      .compose(v -> error(admin1.fetch("/admin/rate-limits/state?key=user_id", ADMIN), 400,
        "invalid rate-limit key: scope is required: \"global\" or \"<service>/<request_type>\"; "
          + "value is required: the key's value, a string or a number (such as the user_id)"))
      .compose(v -> error(admin1.fetch("/admin/rate-limits/state?scope=demo/nope&key=user_id&value=a", ADMIN), 404,
        "no rate limit with scope demo/nope and key user_id"));
  }

  private static Future<Void> badResetsAndLimits() {
    return error(admin2.exchange(HttpMethod.POST, "/admin/rate-limits/reset", ADMIN,
        "{\"scope\":\"global\",\"key\":\"user_id\"}"), 400,
        "invalid rate-limit key: value is required: the key's value, a string or a number (such as the user_id)")
      .compose(v -> error(admin2.exchange(HttpMethod.POST, "/admin/rate-limits/reset", ADMIN,
        "{\"scope\":\"global\",\"key\":\"device_id\",\"value\":\"a\"}"), 404,
        "no rate limit with scope global and key device_id"))
      .compose(v -> status(admin2.exchange(HttpMethod.POST, "/admin/rate-limits/reset", ADMIN, "[1"), 400))
      .compose(v -> admin1.exchange(HttpMethod.POST, "/admin/rate-limits/limits", ADMIN,
        "{\"service\":\"demo\",\"key\":\"user_id\",\"max_requests\":0,\"window_ms\":1000}"))
      .map(limit -> {
        assertThat(limit.status()).isEqualTo(400);
        return assertThat(limit.json().getJsonArray("reasons")).containsExactly(
          "limit: request_type must be a non-empty string",
          "limit: max_requests must be an integer between 1 and 100000");
      })
      .compose(v -> error(admin1.exchange(HttpMethod.DELETE, "/admin/rate-limits/limits", ADMIN, "{}"), 400,
        "invalid rate limit: key must be a non-empty string"))
      .compose(v -> status(admin1.exchange(HttpMethod.DELETE, "/admin/rate-limits/limits", ADMIN, null), 400));
  }

  /** Replaces every limit through gateway 1 and waits until both gateways apply exactly these. */
  private static Future<Void> replaceLimits(String json) {
    return admin1.exchange(HttpMethod.PUT, "/admin/rate-limits", ADMIN, json).compose(reply -> {
      assertThat(reply.status()).isEqualTo(200);
      JsonObject expected = reply.json();
      return onEachGateway(gateway -> Eventually.poll(client,
        () -> expected.equals(gateway.rateLimiter().options().toJson()), 5000,
        () -> "applied: " + gateway.rateLimiter().options().toJson() + ", expected: " + expected));
    });
  }

  private static Future<Void> apiLimits(int count) {
    return onEachGateway(gateway -> Eventually.poll(client,
      () -> gateway.rateLimiter().options().getApiLimits().size() == count, 5000,
      () -> "api limits: " + gateway.rateLimiter().options().getApiLimits().size() + ", expected " + count));
  }

  private static Future<JsonObject> echo(WsClient ws, String user) {
    return ws.ask(call("echo-" + System.nanoTime(), "demo", "echo", new JsonObject().put("message", "m"))
      .put("user_id", user));
  }

  /**
   * Calls echo as the user until the gateway admitted {@code budget} calls. In cluster mode a key near its limit may
   * be refused for one exchange round more than needed (until the other gateway's round arrives), so a refusal waits
   * two rounds and calls again.
   */
  private static Future<Void> spend(WsClient ws, String user, int budget) {
    return spent(ws, user, budget, 0, 0).map(admitted -> {
      assertThat(admitted).isEqualTo(budget);
      return null;
    });
  }

  private static Future<Integer> spent(WsClient ws, String user, int budget, int admitted, int attempt) {
    if (admitted >= budget || attempt >= 3 * budget) {
      return Future.succeededFuture(admitted);
    }
    return echo(ws, user).compose(answer -> answer.getBoolean("success")
      ? spent(ws, user, budget, admitted + 1, attempt + 1)
      : client.timer(2 * RateLimitOptions.DEFAULT_SYNC_INTERVAL_MS)
        .compose(v -> spent(ws, user, budget, admitted, attempt + 1)));
  }

  /** Calls demo add from one device through one gateway, one call at a time; answers how many were admitted. */
  private static Future<Integer> admittedAdds(int gateway, String device, int calls) {
    AtomicInteger admitted = new AtomicInteger();
    return WsClient.open(client, gateways.get(gateway).port(), null).compose(ws -> inTurn(calls, i -> ws.ask(
        call("add-" + i, "demo", "add", new JsonObject().put("a", 1).put("b", 2)).put("device_id", device)
          .put("user_id", "adder"))
        .map(answer -> {
          if (answer.getBoolean("success")) {
            return admitted.incrementAndGet();
          }
          assertThat(answer.getString("code")).isEqualTo("RATE_LIMITED");
          return admitted.get();
        }))
      .map(v -> admitted.get())
      .eventually(ws::shutdown));
  }

  private static Future<Void> status(Future<Http.Reply> replied, int status) {
    return replied.map(reply -> {
      assertThat(reply.status()).isEqualTo(status);
      return null;
    });
  }

  private static Future<Void> error(Future<Http.Reply> replied, int status, String error) {
    return replied.map(reply -> {
      assertThat(reply.status()).isEqualTo(status);
      assertThat(reply.json().getString("error")).isEqualTo(error);
      return null;
    });
  }

  /**
   * Observes (an admin call, say) every 100 ms until the value matches, as {@code Eventually.until} does for a
   * value read on the spot.
   *
   * @return the first value that matches, or the last one seen after about {@code timeoutMs}
   */
  private static <T> Future<T> observed(Supplier<Future<T>> observe, Predicate<T> done, long timeoutMs) {
    Promise<T> result = Promise.promise();
    observeUntil(observe, done, System.currentTimeMillis() + timeoutMs, result);
    return result.future();
  }

  private static <T> void observeUntil(Supplier<Future<T>> observe, Predicate<T> done, long end, Promise<T> result) {
    observe.get().onComplete(seen -> {
      if (seen.failed()) {
        result.fail(seen.cause());
      } else if (done.test(seen.result()) || System.currentTimeMillis() >= end) {
        result.complete(seen.result());
      } else {
        client.setTimer(100, t -> observeUntil(observe, done, end, result));
      }
    });
  }

  private static Future<Void> onEachGateway(Function<Gateway, Future<?>> step) {
    return inTurn(gateways.size(), i -> step.apply(gateways.get(i)));
  }

  /** Runs step 0, then step 1 once it is done, …, up to step times - 1. */
  private static Future<Void> inTurn(int times, IntFunction<Future<?>> step) {
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < times; i++) {
      int index = i;
      chain = chain.compose(v -> step.apply(index)).mapEmpty();
    }
    return chain;
  }
}
