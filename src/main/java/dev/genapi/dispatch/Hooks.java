package dev.genapi.dispatch;

import dev.genapi.api.FunConfig;
import dev.genapi.api.GenApiException;
import dev.genapi.protocol.Request;
import io.vertx.core.Future;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The named hooks a gateway knows; FunConfigs refer to them by {@code before_hook} and {@code after_hook}.
 * <pre>{@code
 * Hooks hooks = new Hooks()
 *   .before("audit", (request, function) -> Future.succeededFuture(request))
 *   .after("redact", (request, function, response) -> Future.succeededFuture(response));
 * Gateway.start(vertx, options, hooks);
 * }</pre>
 */
public final class Hooks {

  private final Map<String, BeforeHook> before = new ConcurrentHashMap<>();
  private final Map<String, AfterHook> after = new ConcurrentHashMap<>();

  /**
   * @param name the name FunConfigs use in {@code before_hook}
   * @param hook the hook
   * @return a reference to this, so the API can be used fluently
   */
  public Hooks before(String name, BeforeHook hook) {
    before.put(name, hook);
    return this;
  }

  /**
   * @param name the name FunConfigs use in {@code after_hook}
   * @param hook the hook
   * @return a reference to this, so the API can be used fluently
   */
  public Hooks after(String name, AfterHook hook) {
    after.put(name, hook);
    return this;
  }

  /** Runs the function's before hook, bounded by its hook timeout; a rejection is a {@link GenApiException}. */
  Future<Request> runBefore(FunConfig function, Request request) {
    BeforeHook hook = before.get(function.beforeHook());
    if (hook == null) {
      return Future.failedFuture(GenApiException.internal("hook " + function.beforeHook() + " is not registered"));
    }
    return call(() -> hook.before(request, function), function).recover(e -> Future.failedFuture(
      e instanceof GenApiException failure ? failure : GenApiException.internal("hook rejected: " + reason(e))));
  }

  /**
   * @return a sink that passes the final frame of the call through the function's after hook (unchanged when the
   *   hook fails or times out), or the sink itself when the function has no after hook
   */
  ResponseSink wrapAfter(FunConfig function, Request request, ResponseSink sink) {
    AfterHook hook = function.afterHook() == null ? null : after.get(function.afterHook());
    if (hook == null) {
      return sink;
    }
    return (response, last) -> {
      if (!last || response == null) {
        sink.send(response, last);
        return;
      }
      call(() -> hook.after(request, function, response), function)
        .onComplete(result -> sink.send(result.succeeded() && result.result() != null ? result.result() : response,
          true));
    };
  }

  private static <T> Future<T> call(java.util.function.Supplier<Future<T>> hook, FunConfig function) {
    try {
      Future<T> result = hook.get();
      return result == null ? Future.succeededFuture() : result.timeout(function.hookTimeout(), TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private static String reason(Throwable e) {
    if (e instanceof TimeoutException) {
      return "hook timed out";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
