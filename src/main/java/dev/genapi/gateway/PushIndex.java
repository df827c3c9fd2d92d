package dev.genapi.gateway;

import dev.genapi.cluster.Addresses;
import dev.genapi.cluster.ClusterSupport;
import dev.genapi.metrics.GenApiMetrics;
import dev.genapi.protocol.Push;
import dev.genapi.relay.RelayConnection;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The connections of one gateway event loop by the user and the device they call as, and by their number for relay
 * groups, for server pushes: each event loop takes every push from the event bus and writes it to its own connections
 * of the target, the frame encoded once. Used on that event loop only.
 */
final class PushIndex {

  /** Numbers the connections of this JVM: with the gateway's node id, a connection's cluster-unique relay id. */
  private static final AtomicLong NUMBERS = new AtomicLong();

  private final Map<String, List<ClientSession>> users = new HashMap<>();
  private final Map<String, List<ClientSession>> devices = new HashMap<>();
  private final Map<Long, ClientSession> numbered = new HashMap<>();
  private String node;

  /**
   * Takes every push published on the event bus, on the calling event loop: call it from the verticle's start.
   *
   * @return completed once the gateways' pushes reach this event loop
   */
  Future<Void> listen(Vertx vertx, GenApiMetrics metrics) {
    node = ClusterSupport.nodeId(vertx);
    return vertx.eventBus().consumer(Addresses.PUSHES, message -> {
      Push push = Push.fromJson(message.body());
      if (push != null) {
        metrics.pushed(deliver(push));
      }
    }).completion();
  }

  /** @return the session's place in the index, addressed by nothing yet */
  Entry entry(ClientSession session) {
    return new Entry(session);
  }

  /** @return how many connections the push was written to */
  int deliver(Push push) {
    if (push.target() == Push.Target.GROUP) {
      return deliverToGroup(push);
    }
    List<ClientSession> sessions = (push.target() == Push.Target.USER ? users : devices).get(push.to());
    if (sessions == null) {
      return 0;
    }
    String frame = push.frame();
    for (ClientSession session : List.copyOf(sessions)) {
      session.push(frame);
    }
    return sessions.size();
  }

  /** Writes a relay message to the recipients' connections that are on this event loop. */
  private int deliverToGroup(Push push) {
    JsonArray numbers = push.connections().getJsonArray(node);
    if (numbers == null) {
      return 0;
    }
    String frame = null;
    int written = 0;
    for (Object number : numbers) {
      ClientSession session = number instanceof Number n ? numbered.get(n.longValue()) : null;
      if (session != null) {
        frame = frame == null ? push.frame() : frame;
        session.push(frame);
        written++;
      }
    }
    return written;
  }

  /** One connection's user and device, as its identity and its latest call give them, and its relay id. */
  final class Entry {
    private final ClientSession session;
    // made at the connection's first relay call: most connections never make one
    private RelayConnection relay;
    private String user;
    private String device;

    private Entry(ClientSession session) {
      this.session = session;
    }

    /** @return the connection as relay groups know it */
    RelayConnection relay() {
      if (relay == null) {
        relay = new RelayConnection(node, NUMBERS.incrementAndGet());
        numbered.put(relay.number(), session);
      }
      return relay;
    }

    /** @return the connection as relay groups know it, or {@code null} when it never made a relay call */
    RelayConnection relayIfUsed() {
      return relay;
    }

    /** The connection now calls as this user and device ({@code null}: none). */
    void address(String user, String device) {
      if (!Objects.equals(user, this.user)) {
        move(users, this.user, user);
        this.user = user;
      }
      if (!Objects.equals(device, this.device)) {
        move(devices, this.device, device);
        this.device = device;
      }
    }

    /** @return the device the connection calls from, or {@code null} */
    String device() {
      return device;
    }

    /** The connection is closed. */
    void remove() {
      address(null, null);
      if (relay != null) {
        numbered.remove(relay.number());
      }
    }

    private void move(Map<String, List<ClientSession>> index, String from, String to) {
      if (from != null) {
        List<ClientSession> sessions = index.get(from);
        sessions.remove(session);
        if (sessions.isEmpty()) {
          index.remove(from);
        }
      }
      if (to != null) {
        index.computeIfAbsent(to, k -> new ArrayList<>(1)).add(session);
      }
    }
  }
}
