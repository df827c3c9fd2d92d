package dev.genapi.gateway;

import dev.genapi.api.FunConfig;
import dev.genapi.config.ConfigOptions;
import dev.genapi.config.ConfigService;
import dev.genapi.config.PushConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The admin API under {@code /admin}: functions (list, enable, disable, delete, push), services, nodes, failed
 * configs and rate limits ({@link RateLimitRoutes}). Every route needs {@code Authorization: Bearer <admin token>} ({@code 401} without it); with no admin
 * token configured the routes answer {@code 404}.
 */
final class AdminApi {

  private static final int MAX_BODY_BYTES = 1_000_000;

  private final Gateway gateway;
  private final ConfigService config;
  private final AdminToken token;
  private final ConfigOptions tokens;

  private AdminApi(Vertx vertx, Gateway gateway, GatewayOptions options) {
    this.gateway = gateway;
    this.config = gateway.configService();
    this.token = new AdminToken(options.getAdminToken());
    this.tokens = options.getConfig();
  }

  /** @return the router to mount at {@code /admin} */
  static Router router(Vertx vertx, Gateway gateway, GatewayOptions options) {
    AdminApi api = new AdminApi(vertx, gateway, options);
    Router router = Router.router(vertx);
    router.route().handler(api::authorize);
    router.route().handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
    router.get("/functions").handler(api::functions);
    router.post("/functions/:service/:requestType/:version/disable").handler(rc -> api.setDisabled(rc, true));
    router.post("/functions/:service/:requestType/:version/enable").handler(rc -> api.setDisabled(rc, false));
    router.delete("/functions/:service/:requestType/:version").handler(api::delete);
    router.post("/push").handler(api::push);
    router.get("/services").handler(api::services);
    router.get("/nodes").handler(rc -> rc.json(gateway.nodes().snapshot()));
    router.get("/failed-configs").handler(api::failedConfigs);
    router.get("/failed-configs/summary").handler(api::failedSummary);
    router.delete("/failed-configs").handler(rc -> gateway.clearFailedConfigs()
      .onSuccess(v -> rc.json(new JsonObject().put("status", "cleared"))).onFailure(rc::fail));
    router.get("/explain").handler(rc -> ExplainRoute.explain(rc, gateway));
    RateLimitRoutes.mount(router, gateway);
    return router;
  }

  private void authorize(RoutingContext rc) {
    if (!token.configured()) {
      error(rc, 404, "the admin API is off: no admin token is configured");
      return;
    }
    if (!token.matches(rc.request().getHeader("Authorization"))) {
      rc.response().putHeader("WWW-Authenticate", "Bearer");
      error(rc, 401, "a valid admin bearer token is required");
      return;
    }
    rc.next();
  }

  private void functions(RoutingContext rc) {
    TreeMap<String, TreeMap<String, JsonArray>> tree = new TreeMap<>();
    gateway.registry().all().stream().sorted(Comparator.comparing(FunConfig::key)).forEach(f ->
      tree.computeIfAbsent(f.service(), s -> new TreeMap<>()).computeIfAbsent(f.requestType(), t -> new JsonArray())
        .add(new JsonObject().put("version", f.version()).put("disabled", f.disabled())
          .put("served", gateway.registry().served(f)).put("response_type", f.responseType().jsonName())
          .put("nodes", new JsonArray(f.nodes()))));
    JsonObject body = new JsonObject();
    tree.forEach((service, functions) -> body.put(service, new JsonObject(new java.util.LinkedHashMap<>(functions))));
    rc.json(body);
  }

  private void setDisabled(RoutingContext rc, boolean disabled) {
    String service = rc.pathParam("service");
    answer(rc, config.setDisabled(service, rc.pathParam("requestType"), rc.pathParam("version"), disabled,
      tokens.pushTokenFor(service)));
  }

  private void delete(RoutingContext rc) {
    String service = rc.pathParam("service");
    answer(rc, config.delete(service, rc.pathParam("requestType"), rc.pathParam("version"),
      tokens.pushTokenFor(service)));
  }

  /** @return the body as a JSON object, or {@code null} after answering {@code 400} */
  static JsonObject jsonBody(RoutingContext rc) {
    try {
      JsonObject body = rc.body().asJsonObject();
      if (body == null) {
        error(rc, 400, "the body must be a JSON object");
      }
      return body;
    } catch (DecodeException | ClassCastException e) {
      error(rc, 400, "the body must be a JSON object: " + e.getMessage());
      return null;
    }
  }

  private void push(RoutingContext rc) {
    JsonObject body = jsonBody(rc);
    if (body == null) {
      return;
    }
    PushConfig push = new PushConfig(body);
    push.setPushToken(tokens.pushTokenFor(push.getService()));
    config.push(push, "true".equals(rc.queryParams().get("force")))
      .onSuccess(rc::json)
      .onFailure(e -> error(rc, 400, e.getMessage()));
  }

  private void services(RoutingContext rc) {
    JsonObject pulls = gateway.pullStatus();
    config.services().onSuccess(list -> {
      list.forEach(item -> {
        JsonObject service = (JsonObject) item;
        service.put("pull", pulls.getJsonObject(service.getString("service")));
      });
      rc.json(list);
    }).onFailure(rc::fail);
  }

  private void failedConfigs(RoutingContext rc) {
    String service = rc.queryParams().get("service");
    String source = rc.queryParams().get("source");
    int limit;
    try {
      limit = Integer.parseInt(rc.queryParams().get("limit") == null ? "100" : rc.queryParams().get("limit"));
    } catch (NumberFormatException e) {
      error(rc, 400, "limit must be a number");
      return;
    }
    config.failedConfigs().onSuccess(list -> rc.json(new JsonArray(list.stream().map(JsonObject.class::cast)
      .filter(f -> service == null || service.equals(f.getString("service")))
      .filter(f -> source == null || source.equals(f.getString("source")))
      .limit(limit).toList()))).onFailure(rc::fail);
  }

  /** Counts of the failed configs by service and by source. */
  private void failedSummary(RoutingContext rc) {
    config.failedConfigs().onSuccess(list -> {
      List<JsonObject> failures = list.stream().map(JsonObject.class::cast).toList();
      rc.json(new JsonObject().put("total", failures.size()).put("by_service", counts(failures, "service"))
        .put("by_source", counts(failures, "source")));
    }).onFailure(rc::fail);
  }

  private static JsonObject counts(List<JsonObject> failures, String key) {
    Map<String, Object> counts = new TreeMap<>();
    failures.forEach(f -> counts.merge(String.valueOf(f.getValue(key)), 1L, (a, b) -> (Long) a + 1));
    return new JsonObject(counts);
  }

  private static void answer(RoutingContext rc, Future<JsonObject> result) {
    result.onSuccess(body -> {
      rc.response().setStatusCode("not_found".equals(body.getString("status")) ? 404 : 200);
      rc.json(body);
    }).onFailure(e -> error(rc, e instanceof ReplyException ? 502 : 500, e.getMessage()));
  }

  static void error(RoutingContext rc, int status, String message) {
    rc.response().setStatusCode(status);
    rc.json(new JsonObject().put("error", message));
  }
}
