package dev.genapi.demo;

import dev.genapi.api.CallInfo;
import dev.genapi.api.ErrorCode;
import dev.genapi.api.FunConfig;
import dev.genapi.api.FunctionHandler;
import dev.genapi.api.GenApiException;
import dev.genapi.node.ServiceNode;
import dev.genapi.protocol.Push;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The demo service ({@code demo}) of ARCHITECTURE.md section 9: the catalogue every example, page and test may rely
 * on. Its FunConfigs live in {@code functions.json} next to this class.
 */
public final class DemoService {

  /** The service name. */
  public static final String SERVICE = "demo";
  /** The largest {@code ms} of {@code slow} and {@code n} of {@code count}. */
  public static final int MAX_AMOUNT = 10_000;

  private static final Logger LOG = LoggerFactory.getLogger(DemoService.class);

  private final Vertx vertx;
  private final AtomicLong calls = new AtomicLong();

  private DemoService(Vertx vertx) {
    this.vertx = vertx;
  }

  /**
   * Registers every demo function on a node.
   *
   * @param node the service node
   * @param vertx the node's Vert.x (for timers)
   * @return the node
   */
  public static ServiceNode registerOn(ServiceNode node, Vertx vertx) {
    DemoService demo = new DemoService(vertx);
    Map<String, FunctionHandler> handlers = demo.handlers();
    for (FunConfig config : functions()) {
      FunctionHandler handler = handlers.get(config.requestType() + "@" + config.version());
      node.register(config, call -> {
        demo.calls.incrementAndGet();
        return handler.handle(call);
      });
    }
    return node;
  }

  /** @return the demo FunConfigs */
  public static List<FunConfig> functions() {
    try (InputStream in = DemoService.class.getResourceAsStream("functions.json")) {
      JsonArray array = new JsonArray(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      return array.stream().map(json -> FunConfig.fromJson((JsonObject) json)).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Map<String, FunctionHandler> handlers() {
    return Map.ofEntries(
      Map.entry("echo@0.0.0", call -> Future.succeededFuture(new JsonObject().put("message", call.args().getValue("message")))),
      Map.entry("add@0.0.0", DemoService::add),
      Map.entry("whoami@0.0.0", call -> Future.succeededFuture(new JsonObject().put("user_id", call.userId())
        .put("device_id", call.deviceId()).put("request_id", call.requestId()))),
      Map.entry("slow@0.0.0", this::slow),
      Map.entry("count@0.0.0", this::count),
      Map.entry("fail@0.0.0", call -> {
        throw new IllegalStateException("demo failure");
      }),
      Map.entry("get_profile@0.0.0", call -> Future.succeededFuture(new JsonObject().put("user_id", call.args().getValue("user_id")))),
      Map.entry("admin_stats@0.0.0", call -> Future.succeededFuture(new JsonObject().put("calls", calls.get()))),
      Map.entry("get_user@1.0.0", call -> {
        String id = call.args().getString("id");
        return Future.succeededFuture(new JsonObject().put("id", id).put("name", "User " + id));
      }),
      Map.entry("get_user@2.0.0", call -> Future.succeededFuture(new JsonObject().put("id", call.args().getValue("id"))
        .put("version", 2).put("fields", call.args().getValue("fields", new JsonArray())))),
      Map.entry("push_to_user@0.0.0", call -> {
        Push.toUser(call.args().getString("user_id"), new JsonObject().put("message", call.args().getValue("message")))
          .publish(vertx.eventBus());
        return Future.succeededFuture(new JsonObject().put("pushed", true));
      }),
      Map.entry("guarded@0.0.0", call -> Future.succeededFuture(new JsonObject().put("user_id", call.userId()))),
      Map.entry("can_call@0.0.0", call -> Future.succeededFuture(
        call.args().getValue("user_id") instanceof String user && user.startsWith("ok"))),
      Map.entry("notify@0.0.0", call -> {
        LOG.debug("notify: {}", call.args().getValue("message"));
        return Future.succeededFuture();
      }));
  }

  private static Future<Object> add(CallInfo call) {
    Number a = number(call, "a");
    Number b = number(call, "b");
    boolean integral = a.doubleValue() == Math.rint(a.doubleValue()) && b.doubleValue() == Math.rint(b.doubleValue())
      && !(a instanceof Double || a instanceof Float || b instanceof Double || b instanceof Float);
    return Future.succeededFuture(integral ? (Object) (a.longValue() + b.longValue()) : a.doubleValue() + b.doubleValue());
  }

  private Future<Object> slow(CallInfo call) {
    long ms = amount(call, "ms", 0);
    Promise<Object> slept = Promise.promise();
    long timer = vertx.setTimer(Math.max(1, ms), id -> slept.tryComplete(new JsonObject().put("slept", ms)));
    call.onCancel(() -> vertx.cancelTimer(timer));
    return slept.future();
  }

  // as fast as the reader takes them: once chunks wait for it, the next ones follow the last write
  private static Future<Object> countFrom(CallInfo call, long first, long n) {
    for (long i = first; i <= n && !call.cancelled(); i++) {
      Future<Void> written = call.stream().write(i);
      if (call.stream().writeQueueFull()) {
        long next = i + 1;
        return written.compose(v -> countFrom(call, next, n));
      }
    }
    return Future.succeededFuture();
  }

  private Future<Object> count(CallInfo call) {
    long n = amount(call, "n", 0);
    long interval = amount(call, "interval_ms", 0);
    if (interval == 0) {
      return countFrom(call, 1, n);
    }
    Promise<Object> done = Promise.promise();
    long[] next = {1};
    // a tick whose reader is behind writes nothing: the stream slows down to its reader's pace
    long timer = vertx.setPeriodic(interval, id -> {
      if (next[0] > n) {
        vertx.cancelTimer(id);
        done.tryComplete();
      } else if (!call.stream().writeQueueFull()) {
        call.stream().write(next[0]++);
      }
    });
    call.onCancel(() -> {
      vertx.cancelTimer(timer);
      done.tryComplete();
    });
    return done.future();
  }

  private static Number number(CallInfo call, String name) {
    if (call.args().getValue(name) instanceof Number value) {
      return value;
    }
    throw new GenApiException(ErrorCode.INVALID_ARGUMENT, "invalid argument type for \"" + name + "\", expected num");
  }

  private static long amount(CallInfo call, String name, long fallback) {
    Object value = call.args().getValue(name);
    long amount = value == null ? fallback : number(call, name).longValue();
    if (amount < 0 || amount > MAX_AMOUNT) {
      throw new GenApiException(ErrorCode.INVALID_ARGUMENT, name + " must be between 0 and " + MAX_AMOUNT);
    }
    return amount;
  }
}
