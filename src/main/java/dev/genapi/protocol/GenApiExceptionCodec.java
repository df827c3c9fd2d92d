package dev.genapi.protocol;

import dev.genapi.api.ErrorCode;
import dev.genapi.api.GenApiException;
import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;

/**
 * Carries a {@link GenApiException} across the clustered event bus: code, retry-after and message. Local delivery
 * passes the same instance.
 */
public final class GenApiExceptionCodec extends PassThroughCodec<GenApiException> {

  /** A codec named {@code genapi.exception}. */
  public GenApiExceptionCodec() {
    super("genapi.exception");
  }

  @Override
  public void encodeToWire(Buffer buffer, GenApiException e) {
    byte[] message = e.getMessage() == null ? new byte[0] : e.getMessage().getBytes(StandardCharsets.UTF_8);
    buffer.appendInt(e.code().toInt()).appendLong(e.retryAfterMs()).appendInt(message.length).appendBytes(message);
  }

  @Override
  public GenApiException decodeFromWire(int pos, Buffer buffer) {
    int code = buffer.getInt(pos);
    long retryAfter = buffer.getLong(pos + 4);
    int length = buffer.getInt(pos + 12);
    String message = buffer.getString(pos + 16, pos + 16 + length, "UTF-8");
    return new GenApiException(ErrorCode.fromInt(code), message, retryAfter);
  }
}
