package dev.genapi.bench;

import com.hazelcast.map.IMap;
import dev.genapi.cluster.ClusterOptions;
import dev.genapi.cluster.ClusterSupport;
import dev.genapi.demo.DemoService;
import dev.genapi.gateway.Gateway;
import dev.genapi.gateway.GatewayOptions;
import dev.genapi.node.ServiceNode;
import dev.genapi.node.ServiceNodeOptions;
import dev.genapi.ratelimit.RateLimitOptions;
import dev.genapi.testing.TestCluster;
import dev.genapi.testing.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

import static dev.genapi.testing.TestCluster.await;

/**
 * Measures what a small GenApi cluster exchanges, for {@code docs/scaling.md}: G gateways and N demo service nodes
 * as clustered members of one JVM on loopback, one WebSocket client per gateway (each a user and a member of one
 * relay group), then four windows: idle, calls at a bounded rate (a clustered global rate limit in force), pushes
 * to one user, relay group sends. Prints one JSON object: per window the event-bus messages per second by address
 * family and the cluster maps' operations per second, entries and bytes.
 * <p>
 * Usage: {@code ScaleProbe <gateways> <nodes> <window_ms> <rate_per_s>}
 */
public final class ScaleProbe {

  private final List<Vertx> members = new ArrayList<>();
  private final List<WsClient> clients = new ArrayList<>();
  private final AtomicLong ids = new AtomicLong();
  private final Vertx clientVertx = Vertx.vertx();

  private ScaleProbe() {
  }

  public static void main(String[] args) {
    int gateways = Integer.parseInt(args[0]);
    int nodes = Integer.parseInt(args[1]);
    long windowMs = Long.parseLong(args[2]);
    int rate = Integer.parseInt(args[3]);
    ScaleProbe probe = new ScaleProbe();
    JsonObject result = probe.run(gateways, nodes, windowMs, rate);
    System.out.println(result.encode());
    System.exit(0);
  }

  private JsonObject run(int gateways, int nodes, long windowMs, int rate) {
    long began = System.currentTimeMillis();
    // each member binds its own port from the base: room for all of them
    ClusterOptions cluster = TestCluster.newCluster(Math.max(10, gateways + nodes + 2));
    for (int i = 0; i < gateways; i++) {
      Vertx member = TestCluster.member(cluster);
      members.add(member);
      Gateway gateway = await(Gateway.start(member, gatewayOptions()));
      clients.add(WsClient.connect(clientVertx, gateway.port()));
    }
    for (int i = 0; i < nodes; i++) {
      Vertx member = TestCluster.member(cluster);
      members.add(member);
      ServiceNode node = DemoService.registerOn(
        ServiceNode.create(member, new ServiceNodeOptions().setName("scale-node-" + i)), member);
      await(node.start().compose(v -> node.registered()));
    }
    joinRelayGroup();
    ScaleCounters counters = new ScaleCounters(members);
    pause(2000);
    JsonObject windows = new JsonObject()
      .put("idle", window(counters, windowMs, rate, n -> { }))
      .put("calls", window(counters, windowMs, rate, this::call))
      .put("user_pushes", window(counters, windowMs, rate, this::pushToUser))
      .put("group_sends", window(counters, windowMs, rate, n -> send(clients.get(0), "relay", "send",
        new JsonObject().put("group_id", "scale").put("message", "m" + n), "u0")));
    return new JsonObject().put("gateways", gateways).put("nodes", nodes).put("window_ms", windowMs)
      .put("rate_per_s", rate).put("gateway_event_loops", GatewayOptions.DEFAULT_INSTANCES)
      .put("record_bytes", recordBytes()).put("windows", windows)
      .put("run_ms", System.currentTimeMillis() - began);
  }

  private static GatewayOptions gatewayOptions() {
    return new GatewayOptions().setPort(TestCluster.freePort()).setRateLimits(new RateLimitOptions(new JsonObject()
      .put("global_limits", new JsonArray().add(new JsonObject().put("key", "user_id").put("max_requests", 100_000)
        .put("window_ms", 60_000)))));
  }

  /** Each client calls once as its own user (so pushes find it), then joins group {@code scale}, u0 creating it. */
  private void joinRelayGroup() {
    for (int i = 0; i < clients.size(); i++) {
      String user = "u" + i;
      WsClient client = clients.get(i);
      await(client.ask(frame("demo", "echo", new JsonObject().put("message", "hi"), user)));
      JsonObject group = new JsonObject().put("group_id", "scale");
      JsonObject answer = await(client.ask(i == 0
        ? frame("relay", "create_group", group.copy().put("type", "public"), user)
        : frame("relay", "join_group", group, user)));
      if (!answer.getBoolean("success")) {
        throw new IllegalStateException("relay setup failed: " + answer.encode());
      }
    }
  }

  /** @return the window's rates: {@code load} called {@code rate} times a second (in 10 ms ticks) during it */
  private JsonObject window(ScaleCounters counters, long windowMs, int rate, LongConsumer load) {
    JsonObject before = counters.snapshot();
    long start = System.nanoTime();
    long[] sent = {0};
    long timer = clientVertx.setPeriodic(10, id -> {
      long due = (System.nanoTime() - start) / 1_000_000 * rate / 1000;
      while (sent[0] < due) {
        load.accept(sent[0]++);
      }
    });
    pause(windowMs);
    clientVertx.cancelTimer(timer);
    long millis = (System.nanoTime() - start) / 1_000_000;
    pause(300);
    return ScaleCounters.rates(before, counters.snapshot(), millis).put("load_per_s", sent[0] * 1000.0 / millis);
  }

  private void call(long n) {
    int i = (int) (n % clients.size());
    send(clients.get(i), "demo", "echo", new JsonObject().put("message", "m" + n), "u" + i);
  }

  private void pushToUser(long n) {
    String target = "u" + (n % clients.size());
    send(clients.get(0), "demo", "push_to_user", new JsonObject().put("user_id", target).put("message", "p" + n),
      "u0");
  }

  private void send(WsClient client, String service, String requestType, JsonObject args, String user) {
    client.write(frame(service, requestType, args, user));
  }

  private JsonObject frame(String service, String requestType, JsonObject args, String user) {
    return WsClient.call("s" + ids.incrementAndGet(), service, requestType, args).put("user_id", user);
  }

  /** @return the mean size of a value of each map that has entries, in characters of its stored JSON */
  private JsonObject recordBytes() {
    JsonObject sizes = new JsonObject();
    for (String name : ScaleCounters.MAPS) {
      IMap<String, String> map = ClusterSupport.hazelcast(members.get(0)).getMap(name);
      List<String> values = new ArrayList<>(map.values());
      if (!values.isEmpty()) {
        sizes.put(name, new JsonObject().put("entries", values.size())
          .put("mean_chars", values.stream().mapToInt(String::length).sum() / values.size()));
      }
    }
    return sizes;
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
