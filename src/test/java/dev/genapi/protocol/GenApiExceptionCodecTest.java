package dev.genapi.protocol;

import dev.genapi.api.ErrorCode;
import dev.genapi.api.GenApiException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyFailure;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("GenApiException on the event bus")
class GenApiExceptionCodecTest {

  private final GenApiExceptionCodec codec = new GenApiExceptionCodec();

  private GenApiException roundTrip(GenApiException original, String prefix) {
    return WireRoundTrip.of(codec, original, prefix);
  }

  @Test
  @DisplayName("keeps code, non-ASCII message and retry-after when decoded after a prefix")
  void wireRoundTrip() {
    GenApiException original = new GenApiException(ErrorCode.RATE_LIMITED, "réessayez après 2 s ✓ 😀 日本", 2000);
    GenApiException decoded = roundTrip(original, "préfixe");
    assertThat(decoded).isNotSameAs(original);
    assertThat(decoded.code()).isEqualTo(ErrorCode.RATE_LIMITED);
    assertThat(decoded.getMessage()).isEqualTo("réessayez après 2 s ✓ 😀 日本");
    assertThat(decoded.retryAfterMs()).isEqualTo(2000L);
    assertThat(decoded.failureCode()).isEqualTo(429);
    assertThat(decoded.failureType()).isEqualTo(ReplyFailure.RECIPIENT_FAILURE);
  }

  @Test
  @DisplayName("keeps every code, and a missing retry-after stays negative, at several positions")
  void everyCode() {
    int i = 0;
    for (ErrorCode code : ErrorCode.values()) {
      GenApiException original = new GenApiException(code, "failure " + code);
      GenApiException decoded = roundTrip(original, "x".repeat(++i));
      assertThat(decoded.code()).as(code.name()).isEqualTo(code);
      assertThat(decoded.getMessage()).isEqualTo("failure " + code);
      assertThat(decoded.retryAfterMs()).isEqualTo(-1L);
    }
    GenApiException large = roundTrip(new GenApiException(ErrorCode.OVERLOADED, "m", Long.MAX_VALUE), "ab");
    assertThat(large.retryAfterMs()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  @DisplayName("writes code, retry-after, byte length and UTF-8 bytes and nothing else")
  void wireLayout() {
    Buffer buffer = Buffer.buffer();
    codec.encodeToWire(buffer, new GenApiException(ErrorCode.TIMEOUT, "é", 7));
    byte[] message = "é".getBytes(StandardCharsets.UTF_8);
    assertThat(buffer.length()).isEqualTo(4 + 8 + 4 + message.length);
    assertThat(buffer.getInt(0)).isEqualTo(504);
    assertThat(buffer.getLong(4)).isEqualTo(7L);
    assertThat(buffer.getInt(12)).isEqualTo(2);
    assertThat(Arrays.equals(buffer.getBytes(16, 18), message)).isTrue();
    GenApiException empty = roundTrip(new GenApiException(ErrorCode.INTERNAL, ""), "p");
    assertThat(empty.getMessage()).isEmpty();
  }

  @Test
  @DisplayName("passes the same instance on local delivery")
  void localTransform() {
    GenApiException failure = GenApiException.cancelled();
    assertThat(codec.transform(failure)).isSameAs(failure);
    assertThat(codec.name()).isEqualTo("genapi.exception");
    assertThat(codec.systemCodecID()).isEqualTo((byte) -1);
  }

  @Test
  @DisplayName("every error code survives its integer form; unknown integers read as INTERNAL")
  void codes() {
    for (ErrorCode code : ErrorCode.values()) {
      assertThat(ErrorCode.fromInt(code.toInt())).as(code.name()).isSameAs(code);
    }
    assertThat(Arrays.stream(ErrorCode.values()).mapToInt(ErrorCode::toInt).distinct().count())
      .isEqualTo(ErrorCode.values().length);
    assertThat(ErrorCode.fromInt(12345)).isEqualTo(ErrorCode.INTERNAL);
    assertThat(ErrorCode.fromInt(0)).isEqualTo(ErrorCode.INTERNAL);
    assertThat(ErrorCode.fromInt(-1)).isEqualTo(ErrorCode.INTERNAL);
    assertThat(ErrorCode.fromInt(ErrorCode.NOT_FOUND.toInt())).isEqualTo(ErrorCode.NOT_FOUND);
  }
}
