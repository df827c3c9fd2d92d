package dev.genapi.dispatch;

import dev.genapi.api.FunConfig;
import dev.genapi.api.GenApiException;
import dev.genapi.protocol.Request;
import io.vertx.core.Future;

/**
 * Code the gateway runs before a function's permission check, named by the FunConfig's {@code before_hook}. It may
 * replace the request (for example rewrite its args) or reject the call. It runs on the connection's event loop and
 * must not block; it is bounded by the FunConfig's {@code hook_timeout}.
 */
@FunctionalInterface
public interface BeforeHook {

  /**
   * @param request the decoded call
   * @param function the function it calls
   * @return the request to go on with; a failed future rejects the call (a {@link GenApiException} reaches the
   *   client with its code, anything else as {@code INTERNAL} "hook rejected: ...")
   */
  Future<Request> before(Request request, FunConfig function);
}
