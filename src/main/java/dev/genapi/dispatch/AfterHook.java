package dev.genapi.dispatch;

import dev.genapi.api.FunConfig;
import dev.genapi.protocol.Request;
import dev.genapi.protocol.Response;
import io.vertx.core.Future;

/**
 * Code the gateway runs on the final response of a call (success or error, including denials), named by the
 * FunConfig's {@code after_hook}. It may replace the response. It must not block; when it fails or outlives the
 * FunConfig's {@code hook_timeout}, the original response is sent.
 */
@FunctionalInterface
public interface AfterHook {

  /**
   * @param request the call
   * @param function the function it called
   * @param response the final response
   * @return the response to send
   */
  Future<Response> after(Request request, FunConfig function, Response response);
}
