package dev.genapi.launcher;

import dev.genapi.cluster.ClusterOptions;
import dev.genapi.gateway.GatewayOptions;
import dev.genapi.gateway.Paths;
import dev.genapi.node.ServiceNodeOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reads every manifest of {@code k8s/} and checks it against the code: files, labels and selectors, ports, probe
 * paths, launcher roles, flags and environment variables, the configuration the ConfigMap carries (its auth mode
 * stated, not left to the default), and the network exposure: NetworkPolicies, the client Service, event-bus TLS.
 */
@DisplayName("The Kubernetes manifests")
class KubernetesManifestsTest {

  private static final Path K8S = Path.of("k8s");

  @Test
  @DisplayName("agree with the code")
  @SuppressWarnings("unchecked")
  void manifestsAgreeWithCode() throws IOException {
    Map<String, Map<String, Object>> byKindAndName = manifests();
    assertThat(byKindAndName.keySet()).contains("Deployment/genapi-gateway", "Deployment/genapi-demo-node",
      "Service/genapi-gateway", "Service/genapi-hazelcast", "ConfigMap/genapi-conf",
      "PodDisruptionBudget/genapi-gateway", "HorizontalPodAutoscaler/genapi-gateway");

    Map<String, Object> gateway = byKindAndName.get("Deployment/genapi-gateway");
    Map<String, Object> node = byKindAndName.get("Deployment/genapi-demo-node");
    Map<String, Object> gatewayLabels = podLabels(gateway);
    assertThat(selector(byKindAndName.get("Service/genapi-gateway"))).isEqualTo(gatewayLabels);
    assertThat(path(byKindAndName.get("PodDisruptionBudget/genapi-gateway"), "spec", "selector", "matchLabels"))
      .isEqualTo(gatewayLabels);
    assertThat(path(gateway, "spec", "selector", "matchLabels")).isEqualTo(gatewayLabels);
    assertThat(path(node, "spec", "selector", "matchLabels")).isEqualTo(podLabels(node));
    Map<String, Object> hazelcastSelector = selector(byKindAndName.get("Service/genapi-hazelcast"));
    assertThat(gatewayLabels.entrySet()).containsAll(hazelcastSelector.entrySet());
    assertThat(podLabels(node).entrySet()).containsAll(hazelcastSelector.entrySet());
    assertThat(path(byKindAndName.get("HorizontalPodAutoscaler/genapi-gateway"), "spec", "scaleTargetRef", "name"))
      .isEqualTo("genapi-gateway");

    Map<String, Object> gatewayContainer = container(gateway);
    assertThat(path(gatewayContainer, "readinessProbe", "httpGet", "path")).isEqualTo(Paths.READY);
    assertThat(path(gatewayContainer, "livenessProbe", "httpGet", "path")).isEqualTo(Paths.LIVE);
    for (Map<String, Object> deployment : List.of(gateway, node)) {
      Map<String, Object> container = container(deployment);
      List<String> args = (List<String>) container.get("args");
      assertThat(List.of("gateway", "node", "all-in-one")).contains(args.get(0));
      assertThat(Settings.load(args.subList(1, args.size()), Map.of())).as("the launcher knows every flag").isNotNull();
      for (Map<String, Object> env : (List<Map<String, Object>>) container.get("env")) {
        String name = (String) env.get("name");
        if (name.startsWith("GENAPI_")) {
          assertThat(Settings.environmentVariables()).as(name).contains(name);
        }
      }
    }

    Map<String, String> conf = (Map<String, String>) byKindAndName.get("ConfigMap/genapi-conf").get("data");
    JsonObject gatewayJson = new JsonObject(conf.get("gateway.json"));
    GatewayOptions gatewayOptions = new GatewayOptions(gatewayJson);
    assertThat(gatewayOptions.getPort()).isEqualTo(GatewayOptions.DEFAULT_PORT);
    assertThat(gatewayJson.getString("auth_mode")).as("the ConfigMap states its auth mode")
      .isEqualTo(gatewayOptions.getAuth().getMode());
    ClusterOptions cluster = new ClusterOptions(new JsonObject(conf.get("cluster.json")));
    assertThat(cluster.getMode()).isEqualTo(ClusterOptions.MODE_KUBERNETES);
    assertThat(cluster.getKubernetesServiceDns()).startsWith(metadata(byKindAndName.get("Service/genapi-hazelcast"))
      .get("name") + ".");
    assertThat(new ServiceNodeOptions(new JsonObject(conf.get("node.json"))).getLeaseRenewMs()).isPositive();
  }

  @Test
  @DisplayName("expose only the client port to everyone, the cluster ports to GenApi pods, the admin port to admins")
  @SuppressWarnings("unchecked")
  void networkExposure() throws IOException {
    Map<String, Map<String, Object>> byKindAndName = manifests();
    Map<String, String> conf = (Map<String, String>) byKindAndName.get("ConfigMap/genapi-conf").get("data");
    ClusterOptions cluster = new ClusterOptions(new JsonObject(conf.get("cluster.json")));
    GatewayOptions gatewayOptions = new GatewayOptions(new JsonObject(conf.get("gateway.json")));
    int clusterPort = cluster.getPort();
    int eventBusPort = cluster.getEventBusPort();
    int httpPort = gatewayOptions.getPort();
    assertThat(clusterPort).isEqualTo(ClusterOptions.DEFAULT_PORT);
    assertThat(httpPort).isEqualTo(GatewayOptions.DEFAULT_PORT);
    assertThat(eventBusPort).as("a fixed event-bus port").isPositive();
    assertThat(gatewayOptions.getAdminPort()).as("an admin port").isNotNull().isPositive();
    int adminPort = gatewayOptions.getAdminPort();

    Map<String, Object> gateway = byKindAndName.get("Deployment/genapi-gateway");
    Map<String, Object> node = byKindAndName.get("Deployment/genapi-demo-node");
    assertThat(ports(container(gateway))).isEqualTo(Map.of("http", httpPort, "admin", adminPort,
      "hazelcast", clusterPort, "event-bus", eventBusPort));
    assertThat(ports(container(node))).isEqualTo(Map.of("hazelcast", clusterPort, "event-bus", eventBusPort));
    assertThat(path(container(gateway), "readinessProbe", "httpGet", "port")).isEqualTo("admin");
    assertThat(path(container(gateway), "livenessProbe", "httpGet", "port")).isEqualTo("admin");
    List<Map<String, Object>> servicePorts = (List<Map<String, Object>>) path(
      byKindAndName.get("Service/genapi-gateway"), "spec", "ports");
    assertThat(servicePorts).extracting(port -> port.get("targetPort")).as("the client Service: the client port only")
      .containsExactly("http");

    NetworkPolicyView clusterPolicy = new NetworkPolicyView(byKindAndName.get("NetworkPolicy/genapi-cluster"));
    NetworkPolicyView gatewayPolicy = new NetworkPolicyView(byKindAndName.get("NetworkPolicy/genapi-gateway"));
    assertThat(clusterPolicy.selects(podLabels(gateway))).isTrue();
    assertThat(clusterPolicy.selects(podLabels(node))).isTrue();
    Map<String, Object> genapiPods = selector(byKindAndName.get("Service/genapi-hazelcast"));
    assertThat(clusterPolicy.rules()).as("the cluster ports, from GenApi pods only")
      .containsExactly(new NetworkPolicyView.Rule(Set.of(clusterPort, eventBusPort), genapiPods));
    assertThat(gatewayPolicy.selects(podLabels(gateway))).isTrue();
    assertThat(gatewayPolicy.selects(podLabels(node))).isFalse();
    assertThat(gatewayPolicy.rules()).as("the client port from anyone, the admin port from admin pods").containsExactly(
      new NetworkPolicyView.Rule(Set.of(httpPort), null),
      new NetworkPolicyView.Rule(Set.of(adminPort), Map.of("genapi-admin", "true")));

    // gateways and nodes get their certificates from Secrets of their own: nodes trust the gateways' CA only
    for (Map.Entry<Map<String, Object>, String> secret : Map.of(gateway, "genapi-gateway-tls", node, "genapi-node-tls")
      .entrySet()) {
      Map<String, Object> deployment = secret.getKey();
      Map<String, Map<String, Object>> env = env(container(deployment));
      assertThat(path(env.get("GENAPI_CLUSTER_HOST"), "valueFrom", "fieldRef", "fieldPath")).isEqualTo("status.podIP");
      String tls = mountPathOfSecret(deployment, secret.getValue());
      assertThat(env.get("GENAPI_CLUSTER_TLS_CERT")).containsEntry("value", tls + "/tls.crt");
      assertThat(env.get("GENAPI_CLUSTER_TLS_KEY")).containsEntry("value", tls + "/tls.key");
      assertThat(env.get("GENAPI_CLUSTER_TLS_CA")).containsEntry("value", tls + "/ca.crt");
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Map<String, Object>> manifests() throws IOException {
    Map<String, Map<String, Object>> byKindAndName = new HashMap<>();
    for (String file : (List<String>) yaml("kustomization.yaml").get("resources")) {
      Map<String, Object> manifest = yaml(file);
      byKindAndName.put(manifest.get("kind") + "/" + metadata(manifest).get("name"), manifest);
    }
    return byKindAndName;
  }

  private static Map<String, Object> yaml(String file) throws IOException {
    Path path = K8S.resolve(file);
    assertThat(path).as(file + " listed in kustomization.yaml").exists();
    return new Yaml().load(Files.readString(path));
  }

  @SuppressWarnings("unchecked")
  private static Object path(Map<String, Object> root, String... keys) {
    Object value = root;
    for (String key : keys) {
      value = ((Map<String, Object>) value).get(key);
    }
    return value;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> metadata(Map<String, Object> manifest) {
    return (Map<String, Object>) manifest.get("metadata");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> selector(Map<String, Object> service) {
    return (Map<String, Object>) path(service, "spec", "selector");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> podLabels(Map<String, Object> deployment) {
    return (Map<String, Object>) path(deployment, "spec", "template", "metadata", "labels");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> container(Map<String, Object> deployment) {
    return ((List<Map<String, Object>>) path(deployment, "spec", "template", "spec", "containers")).get(0);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Map<String, Object>> env(Map<String, Object> container) {
    Map<String, Map<String, Object>> env = new HashMap<>();
    ((List<Map<String, Object>>) container.get("env")).forEach(entry -> env.put((String) entry.get("name"), entry));
    return env;
  }

  /** @return where the container mounts the volume of that Secret */
  @SuppressWarnings("unchecked")
  private static String mountPathOfSecret(Map<String, Object> deployment, String secret) {
    String volume = ((List<Map<String, Object>>) path(deployment, "spec", "template", "spec", "volumes")).stream()
      .filter(v -> v.containsKey("secret") && secret.equals(path(v, "secret", "secretName")))
      .map(v -> (String) v.get("name")).findFirst().orElseThrow(() -> new AssertionError("no volume of " + secret));
    return ((List<Map<String, Object>>) container(deployment).get("volumeMounts")).stream()
      .filter(m -> volume.equals(m.get("name"))).map(m -> (String) m.get("mountPath")).findFirst()
      .orElseThrow(() -> new AssertionError("volume " + volume + " not mounted"));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Integer> ports(Map<String, Object> container) {
    Map<String, Integer> ports = new HashMap<>();
    for (Map<String, Object> port : new ArrayList<>((List<Map<String, Object>>) container.get("ports"))) {
      ports.put((String) port.get("name"), (Integer) port.get("containerPort"));
    }
    return ports;
  }
}
