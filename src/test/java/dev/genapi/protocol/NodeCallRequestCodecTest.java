package dev.genapi.protocol;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Calls to nodes on the event bus")
class NodeCallRequestCodecTest {

  private final NodeCallRequestCodec codec = new NodeCallRequestCodec();

  private NodeCallRequest roundTrip(NodeCallRequest original) {
    return WireRoundTrip.of(codec, original);
  }

  @Test
  @DisplayName("keeps every field, non-ASCII identities and body included")
  void everyField() {
    NodeCallRequest original = new NodeCallRequest("demo/echo/0.0.0", "gw1-3f", "genapi.gateway.gw1-0.replies",
      1_790_000_000_123L, "usér-1", "device ✓", Buffer.buffer("{\"request_id\":\"r1\",\"args\":{\"m\":\"日本\"}}"));
    NodeCallRequest decoded = roundTrip(original);
    assertThat(decoded).isNotSameAs(original);
    assertThat(decoded.functionKey()).isEqualTo("demo/echo/0.0.0");
    assertThat(decoded.callId()).isEqualTo("gw1-3f");
    assertThat(decoded.replyTo()).isEqualTo("genapi.gateway.gw1-0.replies");
    assertThat(decoded.deadline()).isEqualTo(1_790_000_000_123L);
    assertThat(decoded.userId()).isEqualTo("usér-1");
    assertThat(decoded.deviceId()).isEqualTo("device ✓");
    assertThat(decoded.body().toString()).isEqualTo("{\"request_id\":\"r1\",\"args\":{\"m\":\"日本\"}}");
  }

  @Test
  @DisplayName("tells an absent identity from an empty one")
  void absentIdentity() {
    NodeCallRequest decoded = roundTrip(new NodeCallRequest("demo/echo/0.0.0", "gw1-40", "r", 1, null, "",
      Buffer.buffer("{}")));
    assertThat(decoded.userId()).isNull();
    assertThat(decoded.deviceId()).isEmpty();
  }
}
