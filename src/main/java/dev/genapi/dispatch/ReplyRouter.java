package dev.genapi.dispatch;

import dev.genapi.api.GenApiException;
import dev.genapi.cluster.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one address per gateway JVM where service nodes send the replies of its calls
 * ({@code genapi.gateway.<id>.replies}): results, stream chunks and errors, routed by call id to the waiting
 * {@link Invocation}. One address for every call means no per-call registration and, for a stream, chunks that arrive
 * in the order the node sent them.
 */
public final class ReplyRouter {

  private final String gatewayId = UUID.randomUUID().toString().substring(0, 8);
  private final String address = Addresses.gatewayReplies(gatewayId);
  private final AtomicLong ids = new AtomicLong();
  private final Map<String, Invocation> calls = new ConcurrentHashMap<>();
  private MessageConsumer<Object> consumer;

  /**
   * @param vertx the gateway's clustered Vert.x
   * @return completed once nodes can reach this gateway's reply address
   */
  public Future<Void> start(Vertx vertx) {
    consumer = vertx.eventBus().consumer(address, this::route);
    return consumer.completion();
  }

  /** Stops receiving replies. */
  public Future<Void> stop() {
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  String address() {
    return address;
  }

  /** @return an id unique in the cluster: this gateway's id and a counter */
  String open(Invocation invocation) {
    String callId = gatewayId + Long.toString(ids.incrementAndGet(), 36);
    calls.put(callId, invocation);
    return callId;
  }

  void close(String callId) {
    calls.remove(callId);
  }

  /**
   * Fails every call waiting on a node whose JVM left the cluster, instead of letting each wait for its timeout.
   *
   * @param node the node's name
   */
  public void failCallsTo(String node) {
    calls.forEach((callId, invocation) -> invocation.nodeGone(callId, node));
  }

  private void route(Message<Object> message) {
    Invocation invocation = calls.get(message.headers().get(Addresses.HEADER_CALL));
    if (invocation == null) {
      return;
    }
    String event = message.headers().get(Addresses.HEADER_REPLY_EVENT);
    if (message.body() instanceof GenApiException failure) {
      invocation.onFailure(message.headers().get(Addresses.HEADER_CALL), failure);
    } else if (message.body() instanceof Buffer body) {
      invocation.onReply(message.headers().get(Addresses.HEADER_CALL), Addresses.REPLY_END.equals(event), body);
    }
  }
}
