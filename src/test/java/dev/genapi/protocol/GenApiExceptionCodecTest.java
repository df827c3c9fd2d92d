package dev.genapi.protocol;

import dev.genapi.api.ErrorCode;
import dev.genapi.api.GenApiException;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("GenApiException on the event bus")
class GenApiExceptionCodecTest {

  private final GenApiExceptionCodec codec = new GenApiExceptionCodec();

  @Test
  @DisplayName("keeps code, message and retry-after across the wire, at any buffer position")
  void wireRoundTrip() {
    GenApiException original = new GenApiException(ErrorCode.RATE_LIMITED, "réessayez après 2 s ✓", 2000);
    Buffer buffer = Buffer.buffer().appendString("prefix");
    codec.encodeToWire(buffer, original);
    GenApiException decoded = codec.decodeFromWire(6, buffer);
    assertThat(decoded.code()).isEqualTo(ErrorCode.RATE_LIMITED);
    assertThat(decoded.getMessage()).isEqualTo(original.getMessage());
    assertThat(decoded.retryAfterMs()).isEqualTo(2000);
    assertThat(decoded.failureCode()).isEqualTo(ErrorCode.RATE_LIMITED.toInt());
  }

  @Test
  @DisplayName("passes the same instance on local delivery")
  void localTransform() {
    GenApiException failure = GenApiException.cancelled();
    assertThat(codec.transform(failure)).isSameAs(failure);
  }

  @Test
  @DisplayName("every error code survives its integer form; unknown integers read as INTERNAL")
  void codes() {
    for (ErrorCode code : ErrorCode.values()) {
      assertThat(ErrorCode.fromInt(code.toInt())).isEqualTo(code);
    }
    assertThat(ErrorCode.fromInt(12345)).isEqualTo(ErrorCode.INTERNAL);
  }
}
