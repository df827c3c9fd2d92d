package dev.genapi.gateway;

import io.vertx.core.MultiMap;
import io.vertx.core.net.SocketAddress;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("The client address behind proxies")
class ClientAddressesTest {

  private final ClientAddresses addresses = new ClientAddresses(List.of("10.0.0.0/8", "fd00::/8", "192.0.2.7"));

  @Test
  @DisplayName("forwarding headers from a peer that is not a trusted proxy are ignored")
  void untrustedPeer() {
    assertThat(addresses.clientOf(peer("203.0.113.9"), headers("X-Forwarded-For", "1.2.3.4")))
      .isEqualTo("203.0.113.9");
    assertThat(new ClientAddresses(List.of()).clientOf(peer("10.1.1.1"), headers("X-Forwarded-For", "1.2.3.4")))
      .isEqualTo("10.1.1.1");
  }

  @Test
  @DisplayName("behind trusted proxies the nearest untrusted hop is the client, so a client cannot choose its key")
  void trustedChain() {
    assertThat(addresses.clientOf(peer("10.0.0.2"), headers("X-Forwarded-For", "1.2.3.4, 198.51.100.1, 10.9.9.9")))
      .isEqualTo("198.51.100.1");
    assertThat(addresses.clientOf(peer("192.0.2.7"), headers("X-Forwarded-For", "not-an-ip, 198.51.100.2")))
      .isEqualTo("198.51.100.2");
    assertThat(addresses.clientOf(peer("10.0.0.2"), headers("X-Forwarded-For", "10.3.3.3"))).isEqualTo("10.3.3.3");
    assertThat(addresses.clientOf(peer("10.0.0.2"), MultiMap.caseInsensitiveMultiMap())).isEqualTo("10.0.0.2");
  }

  @Test
  @DisplayName("Forwarded (RFC 7239) is read when X-Forwarded-For is absent, IPv6 and ports included")
  void forwardedHeader() {
    assertThat(addresses.clientOf(peer("fd00::1"),
      headers("Forwarded", "for=\"[2001:db8::17]:4711\";proto=https, for=10.0.0.5"))).isEqualTo("2001:db8:0:0:0:0:0:17");
    assertThat(addresses.clientOf(peer("10.0.0.2"), headers("Forwarded", "for=198.51.100.3:8080;by=10.0.0.2")))
      .isEqualTo("198.51.100.3");
  }

  @Test
  @DisplayName("a proxy that is not an address or a CIDR is refused with its value")
  void badConfig() {
    assertThatThrownBy(() -> new ClientAddresses(List.of("proxy.example")))
      .hasMessage("trusted_proxies: proxy.example (expected: an IP address or a CIDR)");
  }

  private static SocketAddress peer(String ip) {
    return SocketAddress.inetSocketAddress(1234, ip);
  }

  private static MultiMap headers(String name, String value) {
    return MultiMap.caseInsensitiveMultiMap().add(name, value);
  }
}
