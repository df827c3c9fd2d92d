package dev.genapi.hostile;

import dev.genapi.gateway.ClientLimitsOptions;
import dev.genapi.gateway.GatewayOptions;
import dev.genapi.ratelimit.RateLimitOptions;
import dev.genapi.testing.DemoCluster;
import dev.genapi.testing.Http;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

import static dev.genapi.testing.WsClient.call;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Behind a trusted proxy (here: the loopback address the test's clients come from), the {@code ip_address} rate-limit
 * key is the client the proxy names, so clients behind one proxy are limited apart.
 */
@DisplayName("Clients behind a trusted proxy")
@ExtendWith(VertxExtension.class)
class TrustedProxyTest {

  private static DemoCluster cluster;

  @BeforeAll
  static void start(VertxTestContext test) {
    DemoCluster.open(new GatewayOptions()
      .setClientLimits(new ClientLimitsOptions().setTrustedProxies(List.of("127.0.0.0/8")))
      .setRateLimits(new RateLimitOptions(new JsonObject("{\"api_limits\":[{\"service\":\"demo\","
        + "\"request_type\":\"echo\",\"key\":\"ip_address\",\"max_requests\":1,\"window_ms\":60000}]}"))))
      .onComplete(test.succeeding(started -> {
        cluster = started;
        test.completeNow();
      }));
  }

  @AfterAll
  static void stop(VertxTestContext test) {
    (cluster == null ? Future.succeededFuture() : cluster.shutdown()).onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("each forwarded client gets its own ip_address quota, whichever header names it")
  void forwardedClientsAreLimitedApart(VertxTestContext test) {
    Http http = new Http(cluster.clients(), cluster.port());
    echo(http, "X-Forwarded-For", "198.51.100.1", 200)
      .compose(v -> echo(http, "X-Forwarded-For", "198.51.100.1", 429))
      .compose(v -> echo(http, "X-Forwarded-For", "203.0.113.5, 198.51.100.2", 200))
      .compose(v -> echo(http, "Forwarded", "for=198.51.100.3;proto=https", 200))
      .compose(v -> echo(http, "Forwarded", "for=198.51.100.3", 429))
      .eventually(http::shutdown)
      .onComplete(test.succeedingThenComplete());
  }

  /** Posts an echo through the proxy naming its client in that header, expecting that status. */
  private static Future<Void> echo(Http http, String header, String value, int status) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Content-Type", "application/json").add(header, value);
    return http.request(HttpMethod.POST, "/api/call", null,
      call("p", "demo", "echo", new JsonObject().put("message", "m")).encode(), headers)
      .map(reply -> {
        assertThat(reply.status()).as(header + ": " + value).isEqualTo(status);
        return null;
      });
  }
}
