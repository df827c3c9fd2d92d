package dev.genapi.bench;

import dev.genapi.cluster.ClusterOptions;
import dev.genapi.cluster.ClusterSupport;
import dev.genapi.demo.DemoService;
import dev.genapi.node.ServiceNode;
import dev.genapi.node.ServiceNodeOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;

/**
 * The service JVM of the end-to-end benchmark: GenApi's demo node (what the gateway calls) and a bare event-bus echo
 * consumer at {@value #ECHO_ADDRESS} (what the baseline calls), in the same JVM.
 * Usage: {@code BenchNode <cluster-name> <cluster-port>}; event-bus TLS from {@code GENAPI_CLUSTER_TLS_*} when set.
 */
public final class BenchNode {

  /** The bare echo consumer of the baseline. */
  public static final String ECHO_ADDRESS = "bench.echo";

  private BenchNode() {
  }

  public static void main(String[] args) {
    ClusterOptions cluster = BenchCluster.options(args[0], args[1]);
    Vertx vertx = ClusterSupport.start(cluster, new VertxOptions().setEventLoopPoolSize(2)).await();
    vertx.eventBus().<Buffer>consumer(ECHO_ADDRESS, message -> message.reply(message.body())).completion().await();
    ServiceNode node = DemoService.registerOn(ServiceNode.create(vertx, new ServiceNodeOptions().setName("bench-node")),
      vertx);
    node.start().await();
    System.out.println("bench node ready");
    node.registered().await();
    System.out.println("bench node registered");
  }
}
