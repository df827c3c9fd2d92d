package dev.genapi.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import dev.genapi.testing.TestCluster;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Hazelcast and the event bus bind the cluster host only, in every mode, and the event bus its fixed port. */
@DisplayName("Cluster binding")
class ClusterBindingTest {

  @Test
  @DisplayName("kubernetes mode binds and announces the cluster host, and DNS discovery dials the cluster port")
  void kubernetesConfig() {
    ClusterOptions options = new ClusterOptions(new JsonObject().put("mode", "kubernetes").put("host", "10.1.2.3")
      .put("kubernetes_service_dns", "genapi-hazelcast.ns.svc.cluster.local"));
    Config config = ClusterSupport.hazelcastConfig(options);
    assertThat(config.getProperty("hazelcast.socket.bind.any")).isEqualTo("false");
    NetworkConfig network = config.getNetworkConfig();
    assertThat(network.getInterfaces().isEnabled()).isTrue();
    assertThat(network.getInterfaces().getInterfaces()).containsExactly("10.1.2.3");
    assertThat(network.getPublicAddress()).isEqualTo("10.1.2.3");
    JoinConfig join = network.getJoin();
    assertThat(join.getTcpIpConfig().isEnabled()).isFalse();
    assertThat(join.getKubernetesConfig().isEnabled()).isTrue();
    assertThat(join.getKubernetesConfig().getProperty("service-port"))
      .isEqualTo(String.valueOf(ClusterOptions.DEFAULT_PORT));
  }

  @Test
  @DisplayName("kubernetes mode refuses to start on a loopback host, naming the variable to set")
  void kubernetesLoopbackRefused() {
    ClusterOptions options = new ClusterOptions().setMode(ClusterOptions.MODE_KUBERNETES);
    assertThat(ClusterSupport.start(options, new VertxOptions()).cause())
      .isInstanceOf(IllegalArgumentException.class)
      .hasMessage("cluster host 127.0.0.1 is a loopback address, which other pods cannot reach: set "
        + "GENAPI_CLUSTER_HOST to the pod's IP (status.podIP)");
  }

  @Test
  @DisplayName("event_bus_port is read, written back, defaults to any free port and is checked")
  void eventBusPortOption() {
    assertThat(new ClusterOptions().getEventBusPort()).isEqualTo(ClusterOptions.DEFAULT_EVENT_BUS_PORT).isZero();
    ClusterOptions options = new ClusterOptions(new JsonObject().put("event_bus_port", 15801));
    assertThat(new ClusterOptions(options.toJson()).getEventBusPort()).isEqualTo(15801);
    assertThatThrownBy(() -> new ClusterOptions().setEventBusPort(70000))
      .hasMessage("eventBusPort: 70000 (expected: 0..65535)");
  }

  @Test
  @DisplayName("a member listens on the host only: its Hazelcast and fixed event-bus ports refuse another address")
  void bindsTheHostOnly() {
    int eventBusPort = TestCluster.freePort();
    ClusterOptions options = TestCluster.newCluster().setEventBusPort(eventBusPort);
    Vertx member = TestCluster.member(options);
    try {
      for (int port : new int[] {options.getPort(), eventBusPort}) {
        assertThat(connects("127.0.0.1", port)).as("127.0.0.1:" + port).isTrue();
        // on Linux all of 127/8 reaches the loopback interface: a socket bound to every address would accept this
        assertThat(connects("127.0.0.2", port)).as("127.0.0.2:" + port).isFalse();
      }
    } finally {
      TestCluster.close(member);
    }
  }

  private static boolean connects(String host, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 2000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
