package dev.genapi.dispatch;

import dev.genapi.api.FunConfig;
import dev.genapi.api.GenApiException;
import dev.genapi.config.FunctionRegistry;
import dev.genapi.protocol.Request;
import dev.genapi.ratelimit.RateLimiter;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The original's diagnostics: what the pipeline would do with one call, stage by stage, without running it (no
 * hook, no node call, nothing counted, no round-robin turn or sticky node taken).
 */
final class CallExplainer {

  private final FunctionRegistry registry;
  private final NodeSelector selector;
  private final PermissionCallback permissionCallback;
  private final RateLimiter rateLimiter;

  CallExplainer(FunctionRegistry registry, NodeSelector selector, PermissionCallback permissionCallback,
                RateLimiter rateLimiter) {
    this.registry = registry;
    this.selector = selector;
    this.permissionCallback = permissionCallback;
    this.rateLimiter = rateLimiter;
  }

  /**
   * @return {@code call}; then either {@code error} (the lookup's code and text) or {@code function} (its FunConfig),
   *   {@code permission}, {@code arguments}, {@code rate_limits} and {@code nodes}
   */
  JsonObject explain(Request request) {
    JsonObject explained = new JsonObject().put("call", new JsonObject().put("service", request.service())
      .put("request_type", request.requestType()).put("version", request.version()).put("user_id", request.userId())
      .put("device_id", request.deviceId()).put("roles", new JsonArray(request.userRoles())).put("args", request.args()));
    FunConfig function;
    try {
      function = registry.lookup(request.service(), request.requestType(), request.version());
    } catch (GenApiException e) {
      return explained.put("error", failure(e));
    }
    JsonObject config = function.toJson();
    JsonObject permission = outcome(() -> PermissionCheck.check(function.permission(), request))
      .put("check_permission", config.getValue("check_permission"));
    if (function.permissionCallback() != null) {
      // the callback is not asked: only an answer kept for this caller is shown
      permission.put("permission_callback", config.getValue("permission_callback"))
        .put("callback_answer", permissionCallback.cached(function, request));
    }
    return explained.put("function", config).put("permission", permission)
      .put("arguments", outcome(() -> ArgumentChecker.check(function, request.args())))
      .put("rate_limits", new JsonArray(rateLimiter.explain(request)))
      .put("nodes", selector.preview(function, request));
  }

  private static JsonObject outcome(Runnable check) {
    try {
      check.run();
      return new JsonObject().put("passes", true);
    } catch (GenApiException e) {
      return new JsonObject().put("passes", false).mergeIn(failure(e));
    }
  }

  private static JsonObject failure(GenApiException e) {
    return new JsonObject().put("code", e.code().name()).put("error", e.getMessage());
  }
}
