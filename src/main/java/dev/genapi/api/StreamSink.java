package dev.genapi.api;

import io.vertx.core.Future;

/**
 * Where a {@code stream} function writes its chunks. Each chunk reaches the client as one frame
 * {@code {"success":true,"async":true,"has_more":true,"result":<chunk>}}, in the order written.
 */
public interface StreamSink {

  /**
   * Sends one chunk to the caller, in order. A stream goes at the pace of its reader: once the caller's gateway has
   * not taken the last chunks yet, further chunks wait on the node ({@link #writeQueueFull()} is then true) until it
   * does. Writes after the call was cancelled or ended are dropped.
   *
   * @param chunk a JSON value
   * @return a future completed when the chunk was handed to the event bus (or dropped)
   */
  Future<Void> write(Object chunk);

  /**
   * @return whether chunks are waiting for the reader: a handler that produces many chunks should wait for the
   *   future of its last {@link #write} before it writes more
   */
  boolean writeQueueFull();
}
