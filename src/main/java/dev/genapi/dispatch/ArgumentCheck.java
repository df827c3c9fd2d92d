package dev.genapi.dispatch;

import dev.genapi.protocol.Request;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Checks the call's arguments ({@link ArgumentChecker}) and sets the body a node receives: the bytes the client sent
 * when neither a hook nor a default changed the args, else the request_id and the checked args encoded once.
 */
final class ArgumentCheck implements Stage {

  @Override
  public Future<Request> apply(Call call) {
    Request request = call.request();
    JsonObject args = ArgumentChecker.check(call.function(), request.args());
    call.body(request == call.sent() && args == request.args() ? request.raw()
      : new JsonObject().put("request_id", request.requestId()).put("args", args).toBuffer());
    return NEXT;
  }

  @Override
  public boolean forGatewayCalls() {
    return true;
  }
}
