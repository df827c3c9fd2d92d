package dev.genapi.dispatch;

import dev.genapi.cluster.Addresses;
import dev.genapi.cluster.ClusterSupport;
import dev.genapi.protocol.NodeReply;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The addresses where service nodes send the replies of a gateway's calls
 * ({@code genapi.gateway.<member>.<id>-<n>.replies}, {@code <member>} being this JVM's node id, so a node
 * stops the calls of a gateway that left the cluster): results, stream chunks and errors, routed by call id to the
 * waiting {@link Invocation}. Each event loop that serves
 * clients listens on an address of its own, so a reply reaches its connection's event loop in one hop; calls made on
 * any other thread use the gateway's first address. A fixed address per call means no per-call registration and, for
 * a stream, chunks that arrive in the order the node sent them.
 */
public final class ReplyRouter {

  private final String gatewayId = UUID.randomUUID().toString().substring(0, 8);
  private final CallIds ids = new CallIds();
  private final AtomicInteger listeners = new AtomicInteger();
  private final Map<String, Invocation> calls = new ConcurrentHashMap<>();
  // by event-loop thread: each HTTP request and WebSocket runs on a context of its own, duplicated from its loop's
  private final Map<Thread, MessageConsumer<Object>> consumers = new ConcurrentHashMap<>();
  private MessageConsumer<Object> fallback;

  /**
   * Listens on the gateway's first address, the one of calls made on a thread that has no address of its own.
   *
   * @param vertx the gateway's clustered Vert.x
   * @return completed once nodes can reach the address
   */
  public Future<Void> start(Vertx vertx) {
    fallback = consumer(vertx);
    return fallback.completion();
  }

  /**
   * Listens on an address of the calling event loop's own, for the calls made on that event loop. Call it on the
   * event loop, e.g. from a verticle's start.
   *
   * @param vertx the gateway's clustered Vert.x
   * @return completed once nodes can reach the address
   */
  public Future<Void> listen(Vertx vertx) {
    MessageConsumer<Object> consumer = consumer(vertx);
    consumers.put(Thread.currentThread(), consumer);
    return consumer.completion();
  }

  private MessageConsumer<Object> consumer(Vertx vertx) {
    String member = ClusterSupport.nodeId(vertx);
    return vertx.eventBus().consumer(Addresses.gatewayReplies(member, gatewayId + "-" + listeners.getAndIncrement()),
      this::route);
  }

  /** Stops receiving replies on the calling event loop's address. */
  public Future<Void> unlisten() {
    MessageConsumer<Object> consumer = consumers.remove(Thread.currentThread());
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  /** Stops receiving replies on every address. */
  public Future<Void> stop() {
    List<Future<Void>> unregistered = new ArrayList<>();
    consumers.values().forEach(consumer -> unregistered.add(consumer.unregister()));
    consumers.clear();
    if (fallback != null) {
      unregistered.add(fallback.unregister());
    }
    return Future.join(unregistered).mapEmpty();
  }

  /** @return the reply address of calls made on the calling thread */
  String address() {
    MessageConsumer<Object> consumer = consumers.get(Thread.currentThread());
    return (consumer == null ? fallback : consumer).address();
  }

  /** @return an id that only the node the call goes to will know, unique on this gateway: see {@link CallIds} */
  String open(Invocation invocation) {
    String callId = ids.next();
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
    if (message.body() instanceof NodeReply reply) {
      Invocation invocation = calls.get(reply.callId());
      if (invocation != null) {
        invocation.onReply(reply);
      }
    }
  }
}
