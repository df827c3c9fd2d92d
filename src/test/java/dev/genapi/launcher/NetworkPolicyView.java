package dev.genapi.launcher;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The ingress side of a NetworkPolicy manifest, as {@link KubernetesManifestsTest} checks it: which pods it selects,
 * and for each rule its TCP ports and the labels of the pods it lets in (a peer other than a pod selector in the
 * policy's own namespace fails the test).
 */
final class NetworkPolicyView {

  /**
   * @param ports the TCP ports the rule opens
   * @param from the labels a pod must carry to connect, or {@code null} when anyone may
   */
  record Rule(Set<Integer> ports, Map<String, Object> from) {
  }

  private final Map<String, Object> selector;
  private final List<Rule> rules;

  @SuppressWarnings("unchecked")
  NetworkPolicyView(Map<String, Object> manifest) {
    Map<String, Object> spec = (Map<String, Object>) manifest.get("spec");
    if (!List.of("Ingress").equals(spec.get("policyTypes"))) {
      throw new AssertionError("policyTypes: " + spec.get("policyTypes") + " (expected: [Ingress])");
    }
    selector = (Map<String, Object>) ((Map<String, Object>) spec.get("podSelector")).get("matchLabels");
    rules = ((List<Map<String, Object>>) spec.get("ingress")).stream().map(NetworkPolicyView::rule).toList();
  }

  /** @return whether the policy applies to a pod with these labels */
  boolean selects(Map<String, Object> podLabels) {
    return podLabels.entrySet().containsAll(selector.entrySet());
  }

  List<Rule> rules() {
    return rules;
  }

  @SuppressWarnings("unchecked")
  private static Rule rule(Map<String, Object> rule) {
    Set<Integer> ports = ((List<Map<String, Object>>) rule.get("ports")).stream().map(port -> {
      if (!"TCP".equals(port.get("protocol"))) {
        throw new AssertionError("port " + port + " (expected: TCP)");
      }
      return (Integer) port.get("port");
    }).collect(Collectors.toSet());
    List<Map<String, Object>> from = (List<Map<String, Object>>) rule.get("from");
    if (from == null) {
      return new Rule(ports, null);
    }
    if (from.size() != 1 || !from.get(0).keySet().equals(Set.of("podSelector"))) {
      throw new AssertionError("from " + from + " (expected: one podSelector)");
    }
    return new Rule(ports, (Map<String, Object>) ((Map<String, Object>) from.get(0).get("podSelector"))
      .get("matchLabels"));
  }
}
