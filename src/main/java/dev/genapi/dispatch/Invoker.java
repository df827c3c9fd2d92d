package dev.genapi.dispatch;

import dev.genapi.metrics.GenApiMetrics;
import io.vertx.core.Vertx;

/**
 * What the invoke step of every call shares, built once with the pipeline.
 *
 * @param vertx the gateway's clustered Vert.x: timers and the event bus
 * @param replies this gateway's reply address, where attempts are opened and closed
 * @param selector the node order of a retry on all nodes
 * @param nodes the live nodes, told of a node that could not be reached
 * @param metrics where chunks and retries are counted
 * @param detailErrors whether {@code INTERNAL} errors show their reason
 */
record Invoker(Vertx vertx, ReplyRouter replies, NodeSelector selector, NodeRegistry nodes, GenApiMetrics metrics,
               boolean detailErrors) {
}
