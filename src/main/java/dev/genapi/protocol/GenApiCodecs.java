package dev.genapi.protocol;

import dev.genapi.api.GenApiException;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;

/** The event-bus codecs gateways and nodes exchange calls with. */
public final class GenApiCodecs {

  private GenApiCodecs() {
  }

  /**
   * Registers each codec as the default one for its type, unless it already is.
   *
   * @param eventBus the event bus of a GenApi gateway or node
   */
  public static void register(EventBus eventBus) {
    registerDefault(eventBus, GenApiException.class, new GenApiExceptionCodec());
    registerDefault(eventBus, NodeCallRequest.class, new NodeCallRequestCodec());
    registerDefault(eventBus, NodeReply.class, new NodeReplyCodec());
  }

  private static <T> void registerDefault(EventBus eventBus, Class<T> type, MessageCodec<T, ?> codec) {
    try {
      eventBus.registerDefaultCodec(type, codec);
    } catch (IllegalStateException alreadyRegistered) {
      // a gateway and a node sharing one Vert.x instance both register
    }
  }
}
