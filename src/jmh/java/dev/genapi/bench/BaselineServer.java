package dev.genapi.bench;

import dev.genapi.cluster.ClusterOptions;
import dev.genapi.cluster.ClusterSupport;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;

/**
 * The baseline of the end-to-end benchmark: a bare Vert.x WebSocket server that forwards each frame to the service JVM
 * over the clustered event bus and writes the reply back, with no pipeline at all: the physical limit of this
 * architecture on the machine. Usage: {@code BaselineServer <cluster-name> <cluster-port> <http-port> <instances>}.
 */
public final class BaselineServer extends VerticleBase {

  private final int port;

  private BaselineServer(int port) {
    this.port = port;
  }

  public static void main(String[] args) {
    ClusterOptions cluster = BenchCluster.options(args[0], args[1]);
    int port = Integer.parseInt(args[2]);
    Vertx vertx = ClusterSupport.start(cluster, new VertxOptions().setEventLoopPoolSize(2)).await();
    vertx.deployVerticle(() -> new BaselineServer(port), new DeploymentOptions().setInstances(Integer.parseInt(args[3])))
      .await();
    System.out.println("baseline ready on " + port);
  }

  @Override
  public Future<?> start() {
    DeliveryOptions delivery = new DeliveryOptions().setSendTimeout(5000);
    return vertx.createHttpServer().webSocketHandler(ws -> ws.handler(frame ->
        vertx.eventBus().<Buffer>request(BenchNode.ECHO_ADDRESS, frame, delivery)
          .onSuccess(reply -> ws.writeTextMessage(reply.body().toString()))))
      .listen(port, "127.0.0.1");
  }
}
