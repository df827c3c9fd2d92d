package dev.genapi.dispatch;

import dev.genapi.api.GenApiException;
import dev.genapi.cluster.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one address per gateway JVM where service nodes send stream chunks ({@code genapi.gateway.<id>.stream}), so a
 * stream costs no event-bus registration. Messages are routed by call id to the waiting {@link Invocation}.
 */
public final class StreamRouter {

  private final String address = Addresses.gatewayStream(UUID.randomUUID().toString());
  private final AtomicLong ids = new AtomicLong();
  private final Map<String, Invocation> streams = new ConcurrentHashMap<>();
  private MessageConsumer<Object> consumer;

  /**
   * @param vertx the gateway's clustered Vert.x
   * @return completed once nodes can reach this gateway's stream address
   */
  public Future<Void> start(Vertx vertx) {
    consumer = vertx.eventBus().consumer(address, this::route);
    return consumer.completion();
  }

  /** Stops receiving stream messages. */
  public Future<Void> stop() {
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  String address() {
    return address;
  }

  String nextCallId() {
    return Long.toString(ids.incrementAndGet(), 36);
  }

  void open(String callId, Invocation invocation) {
    streams.put(callId, invocation);
  }

  void close(String callId) {
    streams.remove(callId);
  }

  private void route(Message<Object> message) {
    Invocation invocation = streams.get(message.headers().get(Addresses.HEADER_CALL));
    if (invocation == null) {
      return;
    }
    String event = message.headers().get(Addresses.HEADER_STREAM_EVENT);
    Object body = message.body();
    if (Addresses.STREAM_ERROR.equals(event) && body instanceof GenApiException failure) {
      invocation.onStreamFailure(failure);
    } else {
      invocation.onStreamMessage(Addresses.STREAM_END.equals(event), (io.vertx.core.buffer.Buffer) body);
    }
  }
}
