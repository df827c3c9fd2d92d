package dev.genapi.dispatch;

import dev.genapi.protocol.Response;

/**
 * Where the pipeline sends the frames of one call: a transport's connection. Called on the connection's context.
 */
@FunctionalInterface
public interface ResponseSink {

  /**
   * @param response the frame, or {@code null} when the call ends without one (a {@code none} function succeeded)
   * @param last whether the call is over after this frame
   */
  void send(Response response, boolean last);
}
