package dev.genapi.testing;

import dev.genapi.cluster.ClusterOptions;
import dev.genapi.cluster.ClusterSupport;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Clustered Vert.x instances for tests: a unique cluster name and a free Hazelcast port range per test class, all on
 * 127.0.0.1.
 */
public final class TestCluster {

  private TestCluster() {
  }

  /** @return options for a new, private cluster on loopback */
  public static ClusterOptions newCluster() {
    return newCluster(10);
  }

  /** @return the options of a new cluster whose ports have room for that many members */
  public static ClusterOptions newCluster(int members) {
    return new ClusterOptions().setName("genapi-test-" + UUID.randomUUID()).setPort(freePortRange(members))
      .setPortCount(members);
  }

  /** @return a member of that cluster, once started */
  public static Future<Vertx> join(ClusterOptions options) {
    return join(options, new VertxOptions());
  }

  /** @return a member of that cluster with these Vert.x options (two event loops), once started */
  public static Future<Vertx> join(ClusterOptions options, VertxOptions vertx) {
    return ClusterSupport.start(options, vertx.setEventLoopPoolSize(2));
  }

  /** @return that many members of the cluster, started one after another (a member joins the ones before it) */
  public static Future<List<Vertx>> join(ClusterOptions options, int members) {
    Future<List<Vertx>> joined = Future.succeededFuture(new ArrayList<>());
    for (int i = 0; i < members; i++) {
      joined = joined.compose(list -> join(options).map(member -> {
        list.add(member);
        return list;
      }));
    }
    return joined;
  }

  /** @return a started member of that cluster (waits up to 60 s) */
  public static Vertx member(ClusterOptions options) {
    return await(join(options));
  }

  /** @return a free TCP port on 127.0.0.1 */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Waits for a future, failing the test after 60 s. */
  public static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("awaiting a future failed", e);
    }
  }

  /** @return done when all the instances are closed, whether or not each closed cleanly */
  public static Future<Void> leave(Vertx... members) {
    return Future.join(Arrays.stream(members).filter(Objects::nonNull)
      .map(vertx -> vertx.close().otherwiseEmpty()).toList()).mapEmpty();
  }

  /** Closes the instances, ignoring failures. */
  public static void close(Vertx... members) {
    for (Vertx vertx : members) {
      if (vertx != null) {
        try {
          await(vertx.close());
        } catch (RuntimeException ignored) {
          // closing is best effort in tests
        }
      }
    }
  }

  private static int freePortRange(int count) {
    for (int attempt = 0; attempt < 50; attempt++) {
      int base = ThreadLocalRandom.current().nextInt(20_000, 30_000);
      if (rangeFree(base, count)) {
        return base;
      }
    }
    throw new IllegalStateException("no free port range found");
  }

  private static boolean rangeFree(int base, int count) {
    for (int port = base; port < base + count; port++) {
      try (ServerSocket socket = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
        socket.setReuseAddress(true);
      } catch (IOException e) {
        return false;
      }
    }
    return true;
  }
}
