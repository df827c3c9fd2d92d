package dev.genapi.relay;

import com.hazelcast.map.IMap;
import dev.genapi.api.GenApiException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The relay groups in the cluster map ({@code genapi.relay.groups}). The calls to one group queue on this gateway and
 * are applied in batches, in the order they came: one worker reads the group, applies every call queued meanwhile
 * and writes the result once, with compare-and-set, so that another gateway changing the group at the same time
 * loses nothing (a batch that finds the group changed since it read it is applied again to the new value). A burst
 * of joins or of closing connections costs a few reads and writes of the group, not one each.
 */
final class RelayStore {

  /** One call waiting for its group: the change, and where its outcome goes. */
  private record Queued(Function<Group, RelayRules.Change> change, Context context, Promise<Object> outcome) {
  }

  private final Vertx vertx;
  private final IMap<String, String> groups;
  /** A group is a key here while a worker applies its calls; the list holds the calls that came meanwhile. */
  private final Map<String, List<Queued>> queues = new ConcurrentHashMap<>();

  RelayStore(Vertx vertx, IMap<String, String> groups) {
    this.vertx = vertx;
    this.groups = groups;
  }

  /**
   * Applies a change to one group, after the calls queued before it.
   *
   * @param change from the group as stored ({@code null}: absent) to the group to store and the call's result; a
   *               change that gives the same group back writes nothing; one that throws a
   *               {@link GenApiException} fails its call only
   * @return the change's result, on the caller's context
   */
  Future<Object> apply(String groupId, Function<Group, RelayRules.Change> change) {
    Queued queued = new Queued(change, vertx.getOrCreateContext(), Promise.promise());
    boolean[] idle = new boolean[1];
    queues.compute(groupId, (id, waiting) -> {
      idle[0] = waiting == null;
      List<Queued> list = waiting == null ? new ArrayList<>() : waiting;
      list.add(queued);
      return list;
    });
    if (idle[0]) {
      vertx.executeBlocking(() -> drain(groupId), false);
    }
    return queued.outcome().future();
  }

  /**
   * Removes the members whose connection matches from every group; a group left empty is deleted.
   *
   * @param connections makes the test of a member's connection, each time a group has been read
   * @return how many groups changed
   */
  Future<Integer> removeConnections(Supplier<Predicate<String>> connections) {
    return vertx.executeBlocking(() -> List.copyOf(groups.keySet()), false).compose(ids -> {
      List<Future<Object>> removed = ids.stream().map(id -> apply(id, group -> without(group, connections.get())))
        .toList();
      return Future.all(removed).map(all -> (int) removed.stream().filter(f -> (Boolean) f.result()).count());
    });
  }

  /** @return whether the group changed */
  Future<Object> removeConnections(String groupId, Predicate<String> connection) {
    return apply(groupId, group -> without(group, connection));
  }

  private static RelayRules.Change without(Group group, Predicate<String> connection) {
    Group next = group == null ? null : group.withoutConnections(connection);
    return new RelayRules.Change(next, next != group);
  }

  private Void drain(String groupId) {
    for (List<Queued> batch = take(groupId); !batch.isEmpty(); batch = take(groupId)) {
      try {
        complete(batch, applyAll(groupId, batch));
      } catch (RuntimeException e) {
        batch.forEach(queued -> queued.context().runOnContext(v -> queued.outcome().fail(e)));
      }
    }
    return null;
  }

  /** @return the calls queued since the last batch; none: the group is idle again */
  private List<Queued> take(String groupId) {
    List<Queued> batch = new ArrayList<>();
    queues.compute(groupId, (id, waiting) -> {
      batch.addAll(waiting);
      return waiting.isEmpty() ? null : new ArrayList<>();
    });
    return batch;
  }

  /** @return each call's result or {@link GenApiException}, once the group they made is written */
  private Object[] applyAll(String groupId, List<Queued> batch) {
    Object[] outcomes = new Object[batch.size()];
    while (true) {
      String old = groups.get(groupId);
      Group read = old == null ? null : Group.decode(old);
      Group group = read;
      for (int i = 0; i < outcomes.length; i++) {
        try {
          RelayRules.Change change = batch.get(i).change().apply(group);
          group = change.next();
          outcomes[i] = change.result();
        } catch (GenApiException e) {
          outcomes[i] = e;
        }
      }
      if (group == read || write(groupId, old, group)) {
        return outcomes;
      }
    }
  }

  private static void complete(List<Queued> batch, Object[] outcomes) {
    for (int i = 0; i < outcomes.length; i++) {
      Queued queued = batch.get(i);
      Object outcome = outcomes[i];
      queued.context().runOnContext(v -> {
        if (outcome instanceof GenApiException e) {
          queued.outcome().fail(e);
        } else {
          queued.outcome().complete(outcome);
        }
      });
    }
  }

  private boolean write(String groupId, String old, Group next) {
    if (old == null) {
      return groups.putIfAbsent(groupId, next.encode()) == null;
    }
    return next == null ? groups.remove(groupId, old) : groups.replace(groupId, old, next.encode());
  }
}
