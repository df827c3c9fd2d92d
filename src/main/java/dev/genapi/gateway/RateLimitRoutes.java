package dev.genapi.gateway;

import dev.genapi.api.InvalidConfigException;
import dev.genapi.ratelimit.KeyState;
import dev.genapi.ratelimit.LimitSelector;
import dev.genapi.ratelimit.LimitedKey;
import dev.genapi.ratelimit.RateLimit;
import dev.genapi.ratelimit.RateLimitOptions;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.List;
import java.util.function.Function;

/**
 * The admin API's rate-limit routes under {@code /admin/rate-limits}: the limits (read, replace), one key's state
 * and its reset, and adding or removing one limit. Every change applies on every gateway.
 */
final class RateLimitRoutes {

  private final Gateway gateway;

  private RateLimitRoutes(Gateway gateway) {
    this.gateway = gateway;
  }

  /** Adds the routes to the admin router, behind its authorization. */
  static void mount(Router router, Gateway gateway) {
    RateLimitRoutes routes = new RateLimitRoutes(gateway);
    router.get("/rate-limits").handler(rc -> rc.json(gateway.rateLimiter().options().toJson()
      .put("gateways", gateway.rateLimitGateways())));
    router.put("/rate-limits").handler(routes::replace);
    router.get("/rate-limits/state").handler(routes::state);
    router.post("/rate-limits/reset").handler(routes::reset);
    router.post("/rate-limits/limits").handler(routes::add);
    router.delete("/rate-limits/limits").handler(routes::remove);
  }

  private void replace(RoutingContext rc) {
    RateLimitOptions limits = parsed(rc, "rate limits", RateLimitOptions::new);
    if (limits != null) {
      gateway.rateLimitSettings().put(limits).onSuccess(v -> rc.json(limits.toJson())).onFailure(rc::fail);
    }
  }

  private void state(RoutingContext rc) {
    MultiMap query = rc.queryParams();
    LimitedKey key = key(rc, query.get("scope"), query.get("key"), query.get("value"));
    List<KeyState> states = key == null ? null : gateway.rateLimitState(key);
    if (states != null && !notFound(rc, key, states)) {
      rc.json(new JsonObject().put("scope", key.scope().toString()).put("key", key.key()).put("value", key.value())
        .put("limits", new JsonArray(states.stream().map(KeyState::toJson).toList())));
    }
  }

  private void reset(RoutingContext rc) {
    JsonObject body = AdminApi.jsonBody(rc);
    LimitedKey key = body == null ? null : key(rc, body.getValue("scope"), body.getValue("key"), body.getValue("value"));
    if (key != null && !notFound(rc, key, gateway.rateLimitState(key))) {
      gateway.resetRateLimit(key)
        .onSuccess(gateways -> rc.json(new JsonObject().put("status", "reset").put("gateways", gateways)))
        .onFailure(e -> AdminApi.error(rc, 502, e.getMessage()));
    }
  }

  private void add(RoutingContext rc) {
    RateLimit limit = parsed(rc, "rate limit", RateLimit::fromJson);
    if (limit == null) {
      return;
    }
    gateway.addRateLimit(limit).onSuccess(replaced -> {
      rc.response().setStatusCode(replaced == null ? 201 : 200);
      JsonObject answer = new JsonObject().put("status", replaced == null ? "added" : "replaced")
        .put("limit", limit.toJson());
      rc.json(replaced == null ? answer : answer.put("replaced", replaced.toJson()));
    }).onFailure(rc::fail);
  }

  private void remove(RoutingContext rc) {
    LimitSelector which = parsed(rc, "rate limit", LimitSelector::fromJson);
    if (which == null) {
      return;
    }
    gateway.removeRateLimits(which).onSuccess(removed -> {
      if (removed == 0) {
        AdminApi.error(rc, 404, "no rate limit " + describe(which));
      } else {
        rc.json(new JsonObject().put("status", "removed").put("removed", removed));
      }
    }).onFailure(rc::fail);
  }

  /** @return the JSON body read as a {@code what}, or {@code null} after answering {@code 400} */
  private static <T> T parsed(RoutingContext rc, String what, Function<JsonObject, T> reader) {
    JsonObject body = AdminApi.jsonBody(rc);
    if (body == null) {
      return null;
    }
    try {
      return reader.apply(body);
    } catch (InvalidConfigException e) {
      invalid(rc, what, e);
      return null;
    }
  }

  /** @return the key, or {@code null} after answering {@code 400} with every problem */
  private static LimitedKey key(RoutingContext rc, Object scope, Object key, Object value) {
    try {
      return LimitedKey.of(scope, key, value);
    } catch (InvalidConfigException e) {
      invalid(rc, "rate-limit key", e);
      return null;
    }
  }

  /** @return whether no limit has the key's scope and key, after answering {@code 404} */
  private static boolean notFound(RoutingContext rc, LimitedKey key, List<KeyState> states) {
    if (states.isEmpty()) {
      AdminApi.error(rc, 404, "no rate limit with scope " + key.scope() + " and key " + key.key());
    }
    return states.isEmpty();
  }

  private static String describe(LimitSelector which) {
    return "with scope " + which.scope() + " and key " + which.key()
      + (which.windowMs() == null ? "" : " and window_ms " + which.windowMs());
  }

  private static void invalid(RoutingContext rc, String what, InvalidConfigException e) {
    rc.response().setStatusCode(400);
    rc.json(new JsonObject().put("error", "invalid " + what + ": " + e.getMessage())
      .put("reasons", new JsonArray(e.reasons())));
  }
}
