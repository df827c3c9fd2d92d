package dev.genapi.dispatch;

import dev.genapi.api.FunConfig;
import dev.genapi.config.FunctionRegistry;
import dev.genapi.protocol.Request;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.concurrent.TimeUnit;

/** Choosing the node of one call among 3 live nodes, per selection mode. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class NodeSelectorBenchmark {

  private NodeSelector selector;
  private FunConfig random;
  private FunConfig roundRobin;
  private FunConfig sticky;
  private Request request;

  @Setup
  public void setUp() {
    NodeRegistry nodes = new NodeRegistry(3_600_000, "m", new FunctionRegistry(), name -> { });
    for (String name : List.of("n1", "n2", "n3")) {
      nodes.renewed(name, new JsonObject().put("node", name).put("member", "m").put("services",
        new JsonArray().add("demo")).encode());
    }
    selector = new NodeSelector(nodes);
    random = fun("random");
    roundRobin = fun("round_robin");
    sticky = FunConfig.fromJson(new JsonObject().put("service", "demo").put("request_type", "t")
      .put("choose_node_mode", new JsonObject().put("mode", "sticky").put("key", "user_id")));
    request = new Request("r1", "demo", "t", null, new JsonObject(), "user-1", null, List.of(), null, null);
  }

  private static FunConfig fun(String mode) {
    return FunConfig.fromJson(new JsonObject().put("service", "demo").put("request_type", "t")
      .put("choose_node_mode", mode));
  }

  @Benchmark
  public List<String> randomNode() {
    return selector.order(random, request);
  }

  @Benchmark
  public List<String> roundRobinNode() {
    return selector.order(roundRobin, request);
  }

  @Benchmark
  public List<String> stickyNode() {
    return selector.order(sticky, request);
  }
}
