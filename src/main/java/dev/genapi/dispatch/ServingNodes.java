package dev.genapi.dispatch;

import dev.genapi.api.FunConfig;

import java.util.List;
import java.util.function.Predicate;

/**
 * Which functions the live nodes serve, as a gateway's function index needs it: a function is served unless nodes
 * its {@code nodes} allow are live and none of them declares it (every node that did has gone, and the ones left
 * run a configuration without it). With no allowed node live it stays served: its calls answer {@code UNAVAILABLE}
 * until a node comes back. Immutable, built again whenever a node comes, goes or changes what it declares.
 *
 * @param nodes the nodes with a lease
 * @param localMember the gateway's own JVM, for {@code "nodes":"local"}
 */
record ServingNodes(List<LiveNode> nodes, String localMember) implements Predicate<FunConfig> {

  @Override
  public boolean test(FunConfig function) {
    String key = function.key();
    boolean allowed = false;
    for (LiveNode node : nodes) {
      if (node.allowed(function, localMember)) {
        if (node.declares(key)) {
          return true;
        }
        allowed = true;
      }
    }
    return !allowed;
  }
}
