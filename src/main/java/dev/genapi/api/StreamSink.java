package dev.genapi.api;

import io.vertx.core.Future;

/**
 * Where a {@code stream} function writes its chunks. Each chunk reaches the client as one frame
 * {@code {"success":true,"async":true,"has_more":true,"result":<chunk>}}, in the order written.
 */
public interface StreamSink {

  /**
   * Sends one chunk to the caller. Writes after the call was cancelled or ended are dropped.
   *
   * @param chunk a JSON value
   * @return a future completed when the chunk was handed to the event bus
   */
  Future<Void> write(Object chunk);
}
