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

/**
 * The built-in {@code relay} service (ARCHITECTURE §9.1): group messaging served by the gateway itself, with the
 * groups held in the cluster map {@value Addresses#RELAY_GROUPS_MAP}. The caller's {@code user_id} is the actor;
 * members are registered with the connection that joined, leave when it closes, and every member registered
 * through a gateway that leaves the cluster is removed by the gateways that see it go. A {@code send} is one push
 * published on the event bus to its recipients' connections. Hazelcast is called on worker threads, in order per
 * event loop, so a connection's calls apply in the order sent.
 */
public final class Relay {

  /** The service name clients call. */
  public static final String SERVICE = "relay";
  /** The most groups one connection is a member of. */
  public static final int MAX_GROUPS_PER_CONNECTION = 100;

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

  /** @return completed once groups can be served and members of gateways that leave the cluster are removed */
  public Future<Void> start() {
    return vertx.executeBlocking(() -> {
      store = new RelayStore(hazelcast.getMap(Addresses.RELAY_GROUPS_MAP));
      memberListener = hazelcast.getCluster().addMembershipListener(new MembershipAdapter() {
        @Override
        public void memberRemoved(MembershipEvent event) {
          removeGateway(ClusterSupport.nodeId(event.getMember()));
        }
      });
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
    vertx.executeBlocking(() -> run(request, connection)).onComplete(done -> {
      if (done.succeeded()) {
        joined(request, connection);
      }
      call.complete(done.map(result -> result instanceof Push push ? sent(push) : result));
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
    if (!groups.isEmpty()) {
      vertx.executeBlocking(() -> {
        groups.forEach(group -> store.removeConnections(group, connection.id()::equals));
        return null;
      }).onFailure(e -> LOG.warn("relay: connection {} could not leave its groups: {}", connection.id(), e.toString()));
    }
  }

  private Object run(Request request, RelayConnection connection) {
    JsonObject args = request.args();
    String group = args.getString("group_id");
    String actor = request.userId();
    String target = args.getString("user_id");
    String now = Instant.now().toString();
    return switch (request.requestType()) {
      case "create_group" -> store.update(group,
        g -> RelayRules.create(g, group, args.getString("type"), actor, connection.id(), now)).result();
      case "delete_group" -> store.update(group, g -> RelayRules.delete(g, actor)).result();
      case "group_info" -> RelayRules.exists(store.get(group)).info(group);
      case "join_group" -> store.update(group, g -> RelayRules.join(g, actor, connection.id(), now)).result();
      case "leave_group" -> store.update(group, g -> RelayRules.leave(g, actor)).result();
      case "accept_member" -> store.update(group, g -> RelayRules.accept(g, actor, target)).result();
      case "mute_member" -> store.update(group, g -> RelayRules.mute(g, actor, target)).result();
      case "unmute_member" -> store.update(group, g -> RelayRules.unmute(g, actor, target)).result();
      default -> message(request, group, RelayRules.recipients(store.get(group), actor), now);
    };
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
    vertx.executeBlocking(() -> store.removeConnections(connection -> RelayConnection.node(connection).equals(node)),
        false)
      .onSuccess(groups -> LOG.info("relay: gateway {} left the cluster; its members left {} group(s)", node, groups))
      .onFailure(e -> LOG.warn("relay: members of gateway {} could not be removed: {}", node, e.toString()));
  }
}
