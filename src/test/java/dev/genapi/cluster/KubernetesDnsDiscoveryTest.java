package dev.genapi.cluster;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.genapi.testing.Eventually;
import dev.genapi.testing.TestCluster;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * GenApi's Kubernetes Hazelcast configuration with Hazelcast's real DNS discovery, as far as one machine allows: the
 * service name is {@code localhost}, which the resolver answers with 127.0.0.1 as cluster DNS answers a headless
 * Service with its pods' IPs, and the second member, on the next port, finds the first only by dialling that address
 * on the configured port ({@code service-port}). A member whose service name does not resolve stays alone. (Two pods
 * on one address cannot be had here: other pods' addresses would need interfaces this machine does not have; the
 * launcher's refusal of a loopback host in Kubernetes mode is {@code ClusterBindingTest}'s.)
 */
@DisplayName("Kubernetes DNS discovery, against the machine's resolver")
class KubernetesDnsDiscoveryTest {

  @Test
  @DisplayName("a member finds another through the service's DNS name and the cluster port; an unknown name finds none")
  void discoversThroughDns() {
    ClusterOptions options = TestCluster.newCluster().setMode(ClusterOptions.MODE_KUBERNETES)
      .setKubernetesServiceDns("localhost");
    List<HazelcastInstance> members = new ArrayList<>();
    try {
      members.add(Hazelcast.newHazelcastInstance(ClusterSupport.hazelcastConfig(options)));
      members.add(Hazelcast.newHazelcastInstance(ClusterSupport.hazelcastConfig(options)));
      assertThat(Eventually.until(() -> members.get(1).getCluster().getMembers().size(), n -> n == 2, 30_000))
        .as("members found through DNS").isEqualTo(2);
      assertThat(members.get(1).getCluster().getLocalMember().getAddress().getPort())
        .as("the second member is on another port than the one dialled").isNotEqualTo(options.getPort());
      members.add(Hazelcast.newHazelcastInstance(ClusterSupport.hazelcastConfig(
        options.setKubernetesServiceDns("genapi-nowhere.invalid"))));
      assertThat(members.get(2).getCluster().getMembers()).as("a member whose service name resolves to nothing")
        .hasSize(1);
    } finally {
      members.forEach(HazelcastInstance::shutdown);
    }
  }
}
