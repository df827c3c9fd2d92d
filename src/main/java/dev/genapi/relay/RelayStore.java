package dev.genapi.relay;

import com.hazelcast.map.IMap;

import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The relay groups in the cluster map ({@code genapi.relay.groups}), changed with compare-and-set so that two gateways
 * changing one group at once lose neither change: a change that finds the group changed since it read it is applied
 * again to the new value. Every method blocks on Hazelcast: call it on a worker thread.
 */
final class RelayStore {

  private final IMap<String, String> groups;

  RelayStore(IMap<String, String> groups) {
    this.groups = groups;
  }

  /** @return the group, or {@code null} */
  Group get(String groupId) {
    String text = groups.get(groupId);
    return text == null ? null : Group.decode(text);
  }

  /**
   * Applies a change to one group until it is written over the value it was computed from.
   *
   * @param change from the group as stored ({@code null}: absent) to the group to store; when it gives the same
   *               group back, nothing is written
   * @return the change written
   * @throws dev.genapi.api.GenApiException whatever the change throws
   */
  RelayRules.Change update(String groupId, Function<Group, RelayRules.Change> change) {
    while (true) {
      String old = groups.get(groupId);
      Group current = old == null ? null : Group.decode(old);
      RelayRules.Change next = change.apply(current);
      if (next.next() == current || write(groupId, old, next.next())) {
        return next;
      }
    }
  }

  /**
   * Removes the members whose connection matches from that group; a group left empty is deleted.
   *
   * @return whether the group changed
   */
  boolean removeConnections(String groupId, Predicate<String> connection) {
    RelayRules.Change done = update(groupId, group -> {
      Group next = group == null ? null : group.withoutConnections(connection);
      return new RelayRules.Change(next, next != group);
    });
    return (Boolean) done.result();
  }

  /**
   * Removes the members whose connection matches from every group.
   *
   * @return how many groups changed
   */
  int removeConnections(Predicate<String> connection) {
    int changed = 0;
    for (String groupId : groups.keySet()) {
      changed += removeConnections(groupId, connection) ? 1 : 0;
    }
    return changed;
  }

  private boolean write(String groupId, String old, Group next) {
    if (old == null) {
      return groups.putIfAbsent(groupId, next.encode()) == null;
    }
    return next == null ? groups.remove(groupId, old) : groups.replace(groupId, old, next.encode());
  }
}
