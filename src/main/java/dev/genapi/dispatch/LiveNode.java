package dev.genapi.dispatch;

import dev.genapi.api.FunConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A node as its latest lease describes it: its JVM, its services and the functions it declares. A lease that lists
 * no functions (one written by something other than a {@code ServiceNode}) declares every function of its services.
 *
 * @param name the node name
 * @param member the Vert.x node id of its JVM
 * @param services the services it serves
 * @param functions the keys of the functions it declares, or {@code null} for every function of its services
 * @param renewedAt when this gateway saw the lease, in {@link System#nanoTime()}
 */
record LiveNode(String name, String member, List<String> services, Set<String> functions, long renewedAt) {

  /**
   * @return the node of that lease, seen now
   * @throws IllegalArgumentException when it is not a lease record
   */
  static LiveNode fromLease(String name, String json) {
    JsonObject record = new JsonObject(json);
    if (!(record.getValue("member") instanceof String member) || !(record.getValue("services") instanceof JsonArray)) {
      throw new IllegalArgumentException("it has no member or no services");
    }
    Object functions = record.getValue("functions");
    if (functions != null && !(functions instanceof JsonArray)) {
      throw new IllegalArgumentException("its functions are not a list");
    }
    List<String> services = record.getJsonArray("services").stream().map(String::valueOf).toList();
    Set<String> declared = functions == null ? null
      : Set.copyOf(((JsonArray) functions).stream().map(String::valueOf).toList());
    return new LiveNode(name, member, services, declared, System.nanoTime());
  }

  /**
   * @param localMember the gateway's own JVM, for {@code "nodes":"local"}
   * @return whether the function's {@code nodes} let a call go to this node
   */
  boolean allowed(FunConfig function, String localMember) {
    if (function.allNodes() || function.local()) {
      return services.contains(function.service()) && (!function.local() || member.equals(localMember));
    }
    return function.nodes().contains(name);
  }

  /** @return whether this node declares the function of that key */
  boolean declares(String functionKey) {
    return functions == null || functions.contains(functionKey);
  }

  /** @return whether the other lease says the same as this one about where the node runs and what it serves */
  boolean servesAs(LiveNode other) {
    return other != null && member.equals(other.member) && services.equals(other.services)
      && Objects.equals(functions, other.functions);
  }
}
