package dev.genapi.protocol;

import dev.genapi.api.ErrorCode;
import dev.genapi.api.GenApiException;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Node replies on the event bus")
class NodeReplyCodecTest {

  private final NodeReplyCodec codec = new NodeReplyCodec();

  private NodeReply roundTrip(NodeReply original) {
    return WireRoundTrip.of(codec, original);
  }

  @Test
  @DisplayName("a chunk keeps its call id and its JSON bytes, non-ASCII included")
  void chunk() {
    NodeReply decoded = roundTrip(NodeReply.chunk("gw1-3f", Buffer.buffer("{\"msg\":\"日本 ✓ 😀\"}")));
    assertThat(decoded.callId()).isEqualTo("gw1-3f");
    assertThat(decoded.kind()).isEqualTo(NodeReply.Kind.CHUNK);
    assertThat(decoded.result().toString()).isEqualTo("{\"msg\":\"日本 ✓ 😀\"}");
    assertThat(decoded.failure()).isNull();
  }

  @Test
  @DisplayName("an end without a result decodes as an empty result, not as a failure")
  void emptyEnd() {
    NodeReply decoded = roundTrip(NodeReply.end("gw1-40", Buffer.buffer()));
    assertThat(decoded.kind()).isEqualTo(NodeReply.Kind.END);
    assertThat(decoded.result().length()).isZero();
    assertThat(decoded.failure()).isNull();
  }

  @Test
  @DisplayName("a failure keeps its code, message and retry-after")
  void failure() {
    NodeReply decoded = roundTrip(NodeReply.failure("gw1-41",
      new GenApiException(ErrorCode.RATE_LIMITED, "réessayez", 1500)));
    assertThat(decoded.callId()).isEqualTo("gw1-41");
    assertThat(decoded.kind()).isEqualTo(NodeReply.Kind.FAILURE);
    assertThat(decoded.result()).isNull();
    assertThat(decoded.failure().code()).isEqualTo(ErrorCode.RATE_LIMITED);
    assertThat(decoded.failure().getMessage()).isEqualTo("réessayez");
    assertThat(decoded.failure().retryAfterMs()).isEqualTo(1500L);
  }

  @Test
  @DisplayName("a refusal stays a refusal, with its reason, so the gateway knows the call never ran")
  void refusal() {
    NodeReply decoded = roundTrip(NodeReply.refused("gw1-43", GenApiException.notFound("get_user", "9.0.0")));
    assertThat(decoded.callId()).isEqualTo("gw1-43");
    assertThat(decoded.kind()).isEqualTo(NodeReply.Kind.REFUSED);
    assertThat(decoded.failure().code()).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(decoded.failure().getMessage()).isEqualTo("unsupported function: get_user version 9.0.0");
  }

  @Test
  @DisplayName("a reply given to another call keeps its kind and content under the other call id")
  void forCall() {
    NodeReply answer = NodeReply.end("gw1-44", Buffer.buffer("{\"n\":1}"));
    NodeReply repeat = roundTrip(answer.forCall("gw2-7"));
    assertThat(repeat.callId()).isEqualTo("gw2-7");
    assertThat(repeat.kind()).isEqualTo(NodeReply.Kind.END);
    assertThat(repeat.result().toString()).isEqualTo("{\"n\":1}");
  }

  @Test
  @DisplayName("local delivery passes the same reply")
  void transform() {
    NodeReply reply = NodeReply.end("gw1-42", Buffer.buffer("1"));
    assertThat(codec.transform(reply)).isSameAs(reply);
  }
}
