package dev.genapi.hostile;

import dev.genapi.gateway.ClientLimitsOptions;
import dev.genapi.gateway.GatewayOptions;
import dev.genapi.ratelimit.RateLimitOptions;
import dev.genapi.testing.DemoCluster;
import dev.genapi.testing.Http;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.genapi.testing.WsClient.call;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Behind a trusted proxy (here: the loopback address the test's clients come from), the {@code ip_address} rate-limit
 * key is the client the proxy names, so clients behind one proxy are limited apart.
 */
@DisplayName("Clients behind a trusted proxy")
class TrustedProxyTest {

  private static DemoCluster cluster;

  @BeforeAll
  static void start() {
    cluster = DemoCluster.start(new GatewayOptions()
      .setClientLimits(new ClientLimitsOptions().setTrustedProxies(List.of("127.0.0.0/8")))
      .setRateLimits(new RateLimitOptions(new JsonObject("{\"api_limits\":[{\"service\":\"demo\","
        + "\"request_type\":\"echo\",\"key\":\"ip_address\",\"max_requests\":1,\"window_ms\":60000}]}"))));
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @Test
  @DisplayName("each forwarded client gets its own ip_address quota, whichever header names it")
  void forwardedClientsAreLimitedApart() {
    try (Http http = new Http(cluster.clients(), cluster.port())) {
      assertThat(echo(http, "X-Forwarded-For", "198.51.100.1")).isEqualTo(200);
      assertThat(echo(http, "X-Forwarded-For", "198.51.100.1")).isEqualTo(429);
      assertThat(echo(http, "X-Forwarded-For", "203.0.113.5, 198.51.100.2")).isEqualTo(200);
      assertThat(echo(http, "Forwarded", "for=198.51.100.3;proto=https")).isEqualTo(200);
      assertThat(echo(http, "Forwarded", "for=198.51.100.3")).isEqualTo(429);
    }
  }

  private static int echo(Http http, String header, String value) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Content-Type", "application/json").add(header, value);
    return http.send(HttpMethod.POST, "/api/call", null,
      call("p", "demo", "echo", new JsonObject().put("message", "m")).encode(), headers).status();
  }
}
