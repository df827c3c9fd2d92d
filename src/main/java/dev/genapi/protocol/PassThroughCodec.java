package dev.genapi.protocol;

import io.vertx.core.eventbus.MessageCodec;

/**
 * The part GenApi's event-bus codecs share: a user codec (no system id) whose local delivery passes the same,
 * immutable instance.
 *
 * @param <T> the type carried
 */
abstract class PassThroughCodec<T> implements MessageCodec<T, T> {

  private final String name;

  PassThroughCodec(String name) {
    this.name = name;
  }

  @Override
  public final T transform(T value) {
    return value;
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final byte systemCodecID() {
    return -1;
  }
}
