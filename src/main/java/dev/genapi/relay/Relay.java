package dev.genapi.relay;

import com.hazelcast.cluster.MembershipAdapter;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.core.HazelcastInstance;
import dev.genapi.api.ErrorCode;
import dev.genapi.api.GenApiException;
import dev.genapi.cluster.Addresses;
import dev.genapi.cluster.ClusterSupport;
import dev.genapi.dispatch.InFlightCall;
import dev.genapi.dispatch.ResponseSink;
import dev.genapi.protocol.Push;
import dev.genapi.protocol.Request;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The built-in {@code relay} service (ARCHITECTURE §9.1): group messaging served by the gateway itself, with the
 * groups held in the cluster map {@value Addresses#RELAY_GROUPS_MAP}. The caller's {@code user_id} is the actor;
 * members are registered with the connection that joined, leave when it closes, and every member registered
 * through a gateway that leaves the cluster is removed by the gateways that see it go. A {@code send} is one push
 * published on the event bus to its recipients' connections. A connection's calls apply in the order sent, one after
 * the other; the calls of all connections to one group are applied in batches ({@link RelayStore}).
 */
public final class Relay {

  /** The service name clients call. */
  public static final String SERVICE = "relay";
  /** The most groups one connection is a member of. */
  public static final int MAX_GROUPS_PER_CONNECTION = 100;
  /** The most members one group has: its entry in the cluster (about 110 bytes a member) stays a few MB at most. */
  public static final int MAX_MEMBERS_PER_GROUP = 20_000;

  private static final Logger LOG = LoggerFactory.getLogger(Relay.class);
  private static final Set<String> JOINS = Set.of("create_group", "join_group");

  private final Vertx vertx;
  private final HazelcastInstance hazelcast;
  private RelayStore store;
  private UUID memberListener;

  /**
   * @param vertx the gateway's clustered Vert.x
   * @param hazelcast its Hazelcast instance
   */
  public Relay(Vertx vertx, HazelcastInstance hazelcast) {
    this.vertx = vertx;
    this.hazelcast = hazelcast;
  }

  /**
   * Starts serving groups. Members of gateways that leave the cluster are removed from then on, and members of
   * gateways that left before (when no gateway was there to see it) are removed in the background.
   *
   * @return completed once groups can be served
   */
  public Future<Void> start() {
    return vertx.executeBlocking(() -> {
      store = new RelayStore(vertx, hazelcast.getMap(Addresses.RELAY_GROUPS_MAP));
      memberListener = hazelcast.getCluster().addMembershipListener(new MembershipAdapter() {
        @Override
        public void memberRemoved(MembershipEvent event) {
          removeGateway(ClusterSupport.nodeId(event.getMember()));
        }
      });
      // the gateways are read after each group: whoever added a member to it was in the cluster by then
      store.removeConnections(() -> {
          Set<String> live = hazelcast.getCluster().getMembers().stream().map(ClusterSupport::nodeId)
            .collect(Collectors.toSet());
          return connection -> !live.contains(RelayConnection.node(connection));
        })
        .onSuccess(groups -> {
          if (groups > 0) {
            LOG.info("relay: members of gateways no longer in the cluster left {} group(s)", groups);
          }
        })
        .onFailure(e -> LOG.warn("relay: members of gateways no longer in the cluster could not be removed: {}",
          e.toString()));
      return null;
    });
  }

  /** @return completed once it no longer watches the cluster's members */
  public Future<Void> stop() {
    return vertx.executeBlocking(() -> {
      if (memberListener != null) {
        hazelcast.getCluster().removeMembershipListener(memberListener);
      }
      return null;
    });
  }

  /**
   * Runs one relay call; its one frame goes to the sink, on the caller's context. A relay call cannot be cancelled:
   * it ends within a few Hazelcast round trips.
   *
   * @param request the call, its identity applied
   * @param connection the calling connection, or {@code null} for HTTP (which may not create or join a group)
   * @param sink where the answer goes
   * @return the call
   */
  public InFlightCall call(Request request, RelayConnection connection, ResponseSink sink) {
    RelayCall call = new RelayCall(request.requestId(), sink);
    try {
      admit(request, connection);
    } catch (GenApiException e) {
      call.complete(Future.failedFuture(e));
      return call;
    }
    Future<Object> done = connection == null ? run(request, null) : connection.after(() -> run(request, connection));
    done.onComplete(result -> {
      if (result.succeeded()) {
        joined(request, connection);
      }
      call.complete(result.map(value -> value instanceof Push push ? sent(push) : value));
    });
    return call;
  }

  /** @throws GenApiException when the call is refused before it reaches the cluster */
  private static void admit(Request request, RelayConnection connection) {
    if (request.userId() == null || request.userId().isEmpty()) {
      throw new GenApiException(ErrorCode.UNAUTHENTICATED, "Authentication required");
    }
    RelayArgs.check(request.requestType(), request.version(), request.args());
    if (connection == null && JOINS.contains(request.requestType())) {
      throw new GenApiException(ErrorCode.FAILED_PRECONDITION, "Membership needs a connection that receives "
        + "pushes (WebSocket, SockJS or Phoenix), not HTTP");
    }
    if (connection != null && JOINS.contains(request.requestType())
      && connection.groups() >= MAX_GROUPS_PER_CONNECTION) {
      throw new GenApiException(ErrorCode.FAILED_PRECONDITION, "A connection is a member of at most "
        + MAX_GROUPS_PER_CONNECTION + " groups");
    }
  }

  /** The connection is closed: its members leave their groups. */
  public void closed(RelayConnection connection) {
    Set<String> groups = connection.close();
    for (String group : groups) {
      store.removeConnections(group, connection.id()::equals).onFailure(e ->
        LOG.warn("relay: connection {} could not leave group {}: {}", connection.id(), group, e.toString()));
    }
  }

  private Future<Object> run(Request request, RelayConnection connection) {
    JsonObject args = request.args();
    String group = args.getString("group_id");
    String actor = request.userId();
    String target = args.getString("user_id");
    String now = Instant.now().toString();
    return store.apply(group, g -> switch (request.requestType()) {
      case "create_group" -> RelayRules.create(g, group, args.getString("type"), actor, connection.id(), now);
      case "delete_group" -> RelayRules.delete(g, actor);
      case "group_info" -> new RelayRules.Change(g, RelayRules.exists(g).info(group));
      case "join_group" -> RelayRules.join(g, actor, connection.id(), now);
      case "leave_group" -> RelayRules.leave(g, actor);
      case "accept_member" -> RelayRules.accept(g, actor, target);
      case "mute_member" -> RelayRules.mute(g, actor, target);
      case "unmute_member" -> RelayRules.unmute(g, actor, target);
      default -> new RelayRules.Change(g, message(request, group, RelayRules.recipients(g, actor), now));
    });
  }

  private static Push message(Request request, String group, List<Group.Member> recipients, String now) {
    JsonObject connections = new JsonObject();
    for (Group.Member member : recipients) {
      String node = RelayConnection.node(member.connection());
      JsonArray numbers = connections.getJsonArray(node);
      if (numbers == null) {
        numbers = new JsonArray();
        connections.put(node, numbers);
      }
      numbers.add(RelayConnection.number(member.connection()));
    }
    JsonObject payload = new JsonObject().put("group_id", group).put("from_user_id", request.userId())
      .put("message", request.args().getValue("message")).put("timestamp", now);
    return Push.toGroup(group, request.requestId(), payload, connections);
  }

  /** Publishes the message, on the caller's context so that one connection's messages go out in order. */
  private JsonObject sent(Push push) {
    push.publish(vertx.eventBus());
    int count = push.connections().stream().mapToInt(node -> ((JsonArray) node.getValue()).size()).sum();
    return new JsonObject().put("status", "relayed").put("recipients_count", count);
  }

  /** Keeps the connection's groups; a connection closed while its join was in flight leaves at once. */
  private void joined(Request request, RelayConnection connection) {
    if (connection != null && "leave_group".equals(request.requestType())) {
      connection.left(request.args().getString("group_id"));
    } else if (connection != null && JOINS.contains(request.requestType())) {
      connection.joined(request.args().getString("group_id"));
      if (connection.closed()) {
        closed(connection);
      }
    }
  }

  private void removeGateway(String node) {
    store.removeConnections(() -> connection -> RelayConnection.node(connection).equals(node))
      .onSuccess(groups -> LOG.info("relay: gateway {} left the cluster; its members left {} group(s)", node, groups))
      .onFailure(e -> LOG.warn("relay: members of gateway {} could not be removed: {}", node, e.toString()));
  }
}
