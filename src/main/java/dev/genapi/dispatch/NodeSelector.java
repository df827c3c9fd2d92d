package dev.genapi.dispatch;

import dev.genapi.api.FunConfig;
import dev.genapi.api.GenApiException;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks the node that runs a call among the live nodes the function allows.
 */
final class NodeSelector {

  private final NodeRegistry nodes;
  private final String localMember;

  NodeSelector(NodeRegistry nodes, String localMember) {
    this.nodes = nodes;
    this.localMember = localMember;
  }

  /**
   * @return the chosen node's name
   * @throws GenApiException {@code UNAVAILABLE} when no allowed node is live
   */
  String select(FunConfig function) {
    List<String> candidates = candidates(function);
    if (candidates.isEmpty()) {
      throw GenApiException.unavailable(function.service());
    }
    return candidates.size() == 1 ? candidates.get(0)
      : candidates.get(ThreadLocalRandom.current().nextInt(candidates.size()));
  }

  private List<String> candidates(FunConfig function) {
    if (function.allNodes()) {
      return nodes.liveNodes(function.service(), null);
    }
    if (function.local()) {
      return nodes.liveNodes(function.service(), localMember);
    }
    List<String> live = new ArrayList<>(function.nodes().size());
    for (String name : function.nodes()) {
      if (nodes.isLive(name)) {
        live.add(name);
      }
    }
    return live;
  }
}
