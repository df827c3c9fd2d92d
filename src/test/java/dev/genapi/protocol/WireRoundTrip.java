package dev.genapi.protocol;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

/** Encodes a value as the clustered event bus would, between other bytes, and decodes it back. */
final class WireRoundTrip {

  private WireRoundTrip() {
  }

  static <T> T of(MessageCodec<T, T> codec, T value) {
    return of(codec, value, "préfixe");
  }

  static <T> T of(MessageCodec<T, T> codec, T value, String prefix) {
    Buffer buffer = Buffer.buffer().appendString(prefix, "UTF-8");
    int pos = buffer.length();
    codec.encodeToWire(buffer, value);
    buffer.appendString("trailing bytes of the next field");
    return codec.decodeFromWire(pos, buffer);
  }
}
