package dev.genapi.bench;

import dev.genapi.cluster.ClusterOptions;
import dev.genapi.cluster.ClusterSupport;
import dev.genapi.cluster.TlsEngines;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.PemKeyCertOptions;

import java.util.List;

/**
 * The baseline of the HTTP/2 benchmark: a bare Vert.x HTTPS server, HTTP/2 offered by ALPN as the gateway's client
 * TLS does (same engine, same certificate), that sends each request body to the service JVM's bare echo over the
 * clustered event bus and answers the reply as the response body, with no pipeline.
 * Usage: {@code Http2BaselineServer <cluster-name> <cluster-port> <https-port> <instances> <cert.pem> <key.pem>}.
 */
public final class Http2BaselineServer extends VerticleBase {

  private final int port;
  private final String cert;
  private final String key;

  private Http2BaselineServer(int port, String cert, String key) {
    this.port = port;
    this.cert = cert;
    this.key = key;
  }

  public static void main(String[] args) {
    ClusterOptions cluster = BenchCluster.options(args[0], args[1]);
    int port = Integer.parseInt(args[2]);
    Vertx vertx = ClusterSupport.start(cluster, new VertxOptions().setEventLoopPoolSize(2)).await();
    vertx.deployVerticle(() -> new Http2BaselineServer(port, args[4], args[5]),
      new DeploymentOptions().setInstances(Integer.parseInt(args[3]))).await();
    System.out.println("http2 baseline ready on " + port);
  }

  @Override
  public Future<?> start() {
    DeliveryOptions delivery = new DeliveryOptions().setSendTimeout(5000);
    HttpServerOptions options = new HttpServerOptions().setSsl(true)
      .setKeyCertOptions(new PemKeyCertOptions().setCertPath(cert).setKeyPath(key))
      .setUseAlpn(true).setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1))
      .setSslEngineOptions(TlsEngines.preferred());
    return vertx.createHttpServer(options).requestHandler(request -> request.body()
        .compose(body -> vertx.eventBus().<Buffer>request(BenchNode.ECHO_ADDRESS, body, delivery))
        .onSuccess(reply -> request.response().putHeader("Content-Type", "application/json").end(reply.body()))
        .onFailure(e -> request.response().setStatusCode(503).end()))
      .listen(port, "127.0.0.1");
  }
}
