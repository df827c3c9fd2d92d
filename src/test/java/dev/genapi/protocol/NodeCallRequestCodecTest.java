package dev.genapi.protocol;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Calls to nodes on the event bus")
class NodeCallRequestCodecTest {

  // a reply address as a gateway makes it: its Hazelcast member, its id and the event loop's number
  private static final String REPLY_TO = "genapi.gateway.9f0c6a2e-4b1d-4c8e-a1f3-5d2b7e9c0a11.gw1-0.replies";

  private final NodeCallRequestCodec codec = new NodeCallRequestCodec();

  private NodeCallRequest roundTrip(NodeCallRequest original) {
    return WireRoundTrip.of(codec, original);
  }

  @Test
  @DisplayName("keeps every field, non-ASCII identities and body included")
  void everyField() {
    NodeCallRequest original = new NodeCallRequest("demo/echo/0.0.0", "gw1-3f", REPLY_TO,
      1_790_000_000_123L, "usér-1", "device ✓", Buffer.buffer("{\"request_id\":\"r1\",\"args\":{\"m\":\"日本\"}}"));
    NodeCallRequest decoded = roundTrip(original);
    assertThat(decoded).isNotSameAs(original);
    assertThat(decoded.functionKey()).isEqualTo("demo/echo/0.0.0");
    assertThat(decoded.callId()).isEqualTo("gw1-3f");
    assertThat(decoded.replyTo()).isEqualTo(REPLY_TO);
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
