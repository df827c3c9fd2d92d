package dev.genapi.dispatch;

import dev.genapi.api.FunConfig;
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

import java.util.concurrent.TimeUnit;

/**
 * Checking the arguments of one call: the demo {@code echo} (one string), and a function of five typed arguments
 * (string with a size limit, number, uuid, list of strings, map).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ArgumentCheckerBenchmark {

  private FunConfig echo;
  private JsonObject echoArgs;
  private FunConfig typed;
  private JsonObject typedArgs;

  @Setup
  public void setUp() {
    echo = FunConfig.fromJson(new JsonObject().put("service", "demo").put("request_type", "echo")
      .put("arg_types", new JsonObject().put("message", "string")));
    echoArgs = new JsonObject().put("message", "hello, gateway");
    typed = FunConfig.fromJson(new JsonObject().put("service", "demo").put("request_type", "update")
      .put("arg_types", new JsonObject()
        .put("name", new JsonObject().put("type", "string").put("max_bytes", 64))
        .put("amount", "num")
        .put("id", "uuid")
        .put("tags", new JsonObject().put("type", "list_string").put("max_items", 10))
        .put("meta", "map")));
    typedArgs = new JsonObject().put("name", "a name").put("amount", 42.5)
      .put("id", "6f1c0a5e-2b7d-4f7e-9d1a-3c2b1a0f9e8d")
      .put("tags", new JsonArray().add("red").add("green").add("blue"))
      .put("meta", new JsonObject().put("source", "bench").put("priority", 3));
  }

  @Benchmark
  public JsonObject echoArgs() {
    return ArgumentChecker.check(echo, echoArgs);
  }

  @Benchmark
  public JsonObject fiveTypedArgs() {
    return ArgumentChecker.check(typed, typedArgs);
  }
}
