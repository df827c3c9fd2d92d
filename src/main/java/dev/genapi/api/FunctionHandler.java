package dev.genapi.api;

import io.vertx.core.Future;

/**
 * The code behind one function, registered on a service node with its {@link FunConfig}.
 * <p>
 * The handler runs on the node's event loop and must not block: return a future and compose. What the future
 * carries depends on the function's {@link ResponseType}:
 * <ul>
 *   <li>{@code sync}, {@code async}: the result, a JSON value ({@code JsonObject}, {@code JsonArray}, string,
 *   number, boolean, {@code null}, or a {@code Map}/{@code List} of those);</li>
 *   <li>{@code stream}: chunks go through {@link CallInfo#stream()}; the future completes when the stream ends, and a
 *   non-null value becomes the last chunk;</li>
 *   <li>{@code none}: the value is ignored.</li>
 * </ul>
 * A failed future (or a thrown exception) answers {@link ErrorCode#INTERNAL}, unless it is a
 * {@link GenApiException}, which reaches the client with its own code.
 */
@FunctionalInterface
public interface FunctionHandler {

  /**
   * @param call the call: arguments, caller identity, deadline, stream sink
   * @return the result, as described above
   */
  Future<?> handle(CallInfo call);
}
