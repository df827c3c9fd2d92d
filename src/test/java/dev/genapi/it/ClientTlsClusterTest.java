package dev.genapi.it;

import dev.genapi.gateway.GatewayOptions;
import dev.genapi.gateway.ServerTlsOptions;
import dev.genapi.testing.DemoCluster;
import dev.genapi.testing.DevCerts;
import dev.genapi.testing.LogCapture;
import dev.genapi.testing.NodeClients;
import dev.genapi.testing.WsClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.genapi.testing.WsClient.call;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gateway serving its clients over TLS with a certificate made by {@code scripts/dev-certs.sh}: HTTP/2 for
 * {@code /api/call}, {@code wss} for WebSockets, the npm clients trusting the CA; nothing answered in plain text, and a
 * client that does not trust the certificate gets no answer either.
 */
@DisplayName("TLS for clients: https, HTTP/2 and wss")
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
class ClientTlsClusterTest {

  @TempDir
  static Path certs;
  private static DevCerts dev;
  private static DemoCluster cluster;
  private static LogCapture log;

  @BeforeAll
  static void start(VertxTestContext test) {
    dev = DevCerts.make(certs, "gateway");
    log = LogCapture.install();
    DemoCluster.open(new GatewayOptions().setTls(new ServerTlsOptions()
        .setCertPath(dev.file("gateway.crt").toString()).setKeyPath(dev.file("gateway.key").toString())))
      .onComplete(test.succeeding(started -> {
        cluster = started;
        test.completeNow();
      }));
  }

  @AfterAll
  static void stop() {
    try {
      log.closeAndAssertNoStackTraces();
    } finally {
      cluster.close();
    }
  }

  @Test
  @DisplayName("POST /api/call over HTTP/2 with TLS answers the call")
  void http2(VertxTestContext test) {
    var client = vertx().createHttpClient(new HttpClientOptions().setSsl(true).setUseAlpn(true)
      .setProtocolVersion(HttpVersion.HTTP_2).setTrustOptions(trustingTheCa()));
    client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(cluster.port())
        .setURI("/api/call").putHeader("Content-Type", "application/json"))
      .compose(request -> request.send(Buffer.buffer(echo("h2").encode())))
      .compose(response -> response.body().map(body -> {
        assertThat(response.version()).isEqualTo(HttpVersion.HTTP_2);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(body.toJsonObject().getJsonObject("result").getString("message")).isEqualTo("over h2");
        return body;
      }))
      .eventually(client::close)
      .onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("a call over wss:// is answered")
  void wss(VertxTestContext test) {
    WsClient.open(vertx(), new WebSocketClientOptions().setSsl(true).setTrustOptions(trustingTheCa()),
        new WebSocketConnectOptions().setHost("127.0.0.1").setPort(cluster.port()).setURI("/ws").setSsl(true))
      .compose(ws -> ws.ask(echo("wss")).eventually(ws::shutdown))
      .onComplete(test.succeeding(answer -> test.verify(() -> {
        assertThat(answer.getJsonObject("result").getString("message")).isEqualTo("over wss");
        test.completeNow();
      })));
  }

  @Test
  @DisplayName("plain HTTP to the TLS port gets no answer, nor does a client that does not trust the certificate")
  void noPlainTextNoUntrusted(VertxTestContext test) {
    var plain = vertx().createHttpClient(new HttpClientOptions());
    var untrusting = vertx().createHttpClient(new HttpClientOptions().setSsl(true));
    Future<Integer> plainAnswer = status(plain, "/api/functions");
    Future<Integer> untrustedAnswer = status(untrusting, "/api/functions");
    Future.join(plainAnswer, untrustedAnswer)
      .eventually(() -> Future.join(plain.close(), untrusting.close()))
      .onComplete(test.failing(failure -> test.verify(() -> {
        assertThat(plainAnswer.failed()).as("plain HTTP answered " + plainAnswer.result()).isTrue();
        assertThat(untrustedAnswer.failed()).as("an untrusting client was answered " + untrustedAnswer.result())
          .isTrue();
        assertThat(untrustedAnswer.cause()).hasStackTraceContaining("SSLHandshakeException");
        test.completeNow();
      })));
  }

  @Test
  @DisplayName("the npm clients (ws, sockjs-client, phoenix, fetch) call over https and wss, trusting the CA")
  void npmClients() {
    JsonObject results = NodeClients.run(Map.of("NODE_EXTRA_CA_CERTS", dev.file("ca.crt").toString()), "smoke.js",
      "https://127.0.0.1:" + cluster.port());
    assertThat(results).isEqualTo(new JsonObject().put("ws", true).put("sockjs", true).put("phoenix", true)
      .put("http", true));
  }

  private static Future<Integer> status(io.vertx.core.http.HttpClient client, String path) {
    return client.request(new RequestOptions().setHost("127.0.0.1").setPort(cluster.port()).setURI(path)
        .setTimeout(5000))
      .compose(request -> request.send().map(response -> response.statusCode()));
  }

  private static PemTrustOptions trustingTheCa() {
    return new PemTrustOptions().addCertPath(dev.file("ca.crt").toString());
  }

  private static JsonObject echo(String id) {
    return call(id, "demo", "echo", new JsonObject().put("message", "over " + id));
  }

  private static Vertx vertx() {
    return cluster.clients();
  }
}
