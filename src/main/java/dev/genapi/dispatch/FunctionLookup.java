package dev.genapi.dispatch;

import dev.genapi.api.FunConfig;
import dev.genapi.api.GenApiException;
import dev.genapi.config.FunctionRegistry;
import dev.genapi.metrics.GenApiMetrics;
import dev.genapi.protocol.Request;
import io.vertx.core.Future;

/**
 * The first stage: finds the function in the local index, and counts the call under it from then on. A call to an
 * unknown or disabled function is counted under {@value GenApiMetrics#UNKNOWN} (clients cannot create meters) and
 * ends with {@code NOT_FOUND} or {@code DISABLED}.
 */
final class FunctionLookup implements Stage {

  private final FunctionRegistry registry;
  private final GenApiMetrics metrics;

  FunctionLookup(FunctionRegistry registry, GenApiMetrics metrics) {
    this.registry = registry;
    this.metrics = metrics;
  }

  @Override
  public Future<Request> apply(Call call) {
    Request request = call.request();
    FunConfig function;
    try {
      function = registry.lookup(request.service(), request.requestType(), request.version());
    } catch (GenApiException e) {
      metrics.calls(GenApiMetrics.UNKNOWN, GenApiMetrics.UNKNOWN, GenApiMetrics.UNKNOWN)
        .record(e.code(), System.nanoTime() - call.startNanos());
      throw e;
    }
    call.function(function);
    call.sink(new MeteredSink(metrics.calls(function.key(), function.service(), function.requestType()),
      call.startNanos(), call.sink()));
    return NEXT;
  }
}
