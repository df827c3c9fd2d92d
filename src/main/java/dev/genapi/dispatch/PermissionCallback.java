package dev.genapi.dispatch;

import dev.genapi.api.ErrorCode;
import dev.genapi.api.FunConfig;
import dev.genapi.api.FunctionRef;
import dev.genapi.api.GenApiException;
import dev.genapi.config.FunctionRegistry;
import dev.genapi.metrics.GenApiMetrics;
import dev.genapi.protocol.RawJson;
import dev.genapi.protocol.Request;
import dev.genapi.protocol.Response;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * The {@code permission_callback} check, after {@code check_permission} and before the rate limits. The gateway calls
 * the function the guarded function's FunConfig names through the normal call path (lookup, arguments, in-flight
 * bound, a live node of its service, its own timeout and retry), with the caller and the call as args:
 * {@code {"user_id","device_id","user_roles","service","request_type","version","args"}}. Only a {@code true}
 * answer lets the call through; {@code false}, any other answer, a failure, a timeout or a callback that is not
 * registered or disabled deny it with {@code PERMISSION_DENIED} "Permission denied". The callback's own hooks,
 * permissions and rate limits do not apply: its caller is the gateway. With {@code permission_cache_ms} set, answers
 * (not failures) are kept per guarded function and caller (user_id, device_id and roles) in {@link CallbackAnswers}.
 */
final class PermissionCallback implements Stage {

  /** The most answers one gateway keeps; past it the least recently used one is dropped. */
  static final int MAX_ANSWERS = 10_000;

  private static final Logger LOG = LoggerFactory.getLogger(PermissionCallback.class);

  private final FunctionRegistry registry;
  private final GenApiMetrics metrics;
  private final GatewayCalls calls;
  private final CallbackAnswers answers = new CallbackAnswers(MAX_ANSWERS);

  /** How the gateway makes a call of its own: through the stages for gateway calls, then a node. */
  @FunctionalInterface
  interface GatewayCalls {
    void start(Request request, FunConfig function, ResponseSink sink);
  }

  PermissionCallback(FunctionRegistry registry, GenApiMetrics metrics, GatewayCalls calls) {
    this.registry = registry;
    this.metrics = metrics;
    this.calls = calls;
  }

  /**
   * @return {@link #NEXT} when the function has no callback or the answer kept for this caller allows it, else the
   *   callback's decision: succeeded when it allows the call, failed with {@code PERMISSION_DENIED} when not
   */
  @Override
  public Future<Request> apply(Call call) {
    FunConfig guarded = call.function();
    if (guarded.permissionCallback() == null) {
      return NEXT;
    }
    Request request = call.request();
    if (guarded.permissionCacheMs() == 0) {
      return ask(guarded, request).compose(PermissionCallback::decide);
    }
    String key = cacheKey(guarded, request);
    Boolean known = answers.get(key, System.nanoTime());
    if (known != null) {
      return decide(known);
    }
    long keepNanos = TimeUnit.MILLISECONDS.toNanos(guarded.permissionCacheMs());
    return ask(guarded, request)
      .onSuccess(allowed -> answers.put(key, allowed, System.nanoTime() + keepNanos))
      .compose(PermissionCallback::decide);
  }

  /** @return the answer kept for this caller, or {@code null}: the next call asks the callback */
  Boolean cached(FunConfig guarded, Request request) {
    return guarded.permissionCacheMs() == 0 ? null : answers.get(cacheKey(guarded, request), System.nanoTime());
  }

  /** @return the callback's answer, or a {@code PERMISSION_DENIED} failure when it gave none */
  private Future<Boolean> ask(FunConfig guarded, Request request) {
    FunctionRef ref = guarded.permissionCallback();
    FunConfig callback;
    try {
      callback = registry.lookup(ref.service(), ref.requestType(), ref.version());
    } catch (GenApiException e) {
      return unanswered(guarded, e);
    }
    Promise<Boolean> answer = Promise.promise();
    ResponseSink sink = new MeteredSink(metrics.calls(callback.key(), callback.service(), callback.requestType()),
      System.nanoTime(), (response, last) -> {
        if (last) {
          answer(response, answer);
        }
      });
    calls.start(callbackCall(guarded, request, ref), callback, sink);
    return answer.future().recover(e -> unanswered(guarded, e));
  }

  private static void answer(Response response, Promise<Boolean> answer) {
    if (response == null) {
      answer.fail("it answered nothing");
    } else if (!response.success()) {
      answer.fail("(" + response.code() + ") " + response.error());
    } else {
      Object result = response.result() instanceof RawJson raw ? raw.decode() : response.result();
      if (result instanceof Boolean allowed) {
        answer.complete(allowed);
      } else {
        answer.fail("it answered " + result + " instead of true or false");
      }
    }
  }

  /** The callback's call: the caller's identity and request_id, the guarded call as args. */
  private static Request callbackCall(FunConfig guarded, Request request, FunctionRef ref) {
    JsonObject args = new JsonObject().put("user_id", request.userId()).put("device_id", request.deviceId())
      .put("user_roles", new JsonArray(request.userRoles())).put("service", guarded.service())
      .put("request_type", guarded.requestType()).put("version", guarded.version()).put("args", request.args());
    Buffer raw = new JsonObject().put("request_id", request.requestId()).put("args", args).toBuffer();
    return new Request(request.requestId(), ref.service(), ref.requestType(), ref.version(), args,
      request.userId(), request.deviceId(), request.userRoles(), raw, request.ipAddress());
  }

  private static String cacheKey(FunConfig guarded, Request request) {
    return new JsonArray().add(guarded.key()).add(request.userId()).add(request.deviceId())
      .add(new JsonArray(request.userRoles())).encode();
  }

  private static Future<Boolean> unanswered(FunConfig guarded, Throwable why) {
    LOG.debug("Permission callback {} of {} gave no answer, the call is denied: {}", guarded.permissionCallback(),
      guarded.key(), why.getMessage());
    return Future.failedFuture(denied());
  }

  private static Future<Request> decide(boolean allowed) {
    return allowed ? NEXT : Future.failedFuture(denied());
  }

  private static GenApiException denied() {
    return new GenApiException(ErrorCode.PERMISSION_DENIED, "Permission denied");
  }
}
