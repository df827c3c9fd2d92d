package dev.genapi.bench;

import dev.genapi.api.FunConfig;
import dev.genapi.config.FunctionRegistryAccess;
import dev.genapi.config.FunctionRegistry;
import dev.genapi.protocol.RawJson;
import dev.genapi.protocol.Request;
import dev.genapi.protocol.Response;
import io.vertx.core.buffer.Buffer;
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
 * The gateway's per-call work outside the network: decoding a call frame, encoding a response frame with a spliced
 * result (as the text a WebSocket frame carries), and looking the function up in the local index of 1,000 functions.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HotPathBenchmark {

  private Buffer frame;
  private RawJson result;
  private FunctionRegistry registry;

  @Setup
  public void setUp() {
    frame = Buffer.buffer("{\"request_id\":\"r-12345\",\"service\":\"demo\",\"request_type\":\"echo\","
      + "\"args\":{\"message\":\"hello, gateway\"},\"user_id\":\"u1\",\"device_id\":\"d1\"}");
    result = new RawJson(Buffer.buffer("{\"message\":\"hello, gateway\"}"));
    registry = new FunctionRegistry();
    for (int i = 0; i < 1000; i++) {
      FunctionRegistryAccess.put(registry, FunConfig.fromJson(new JsonObject().put("service", "svc" + (i % 10))
        .put("request_type", "fn" + i)));
    }
    FunctionRegistryAccess.put(registry, FunConfig.fromJson(new JsonObject().put("service", "demo").put("request_type", "echo")));
  }

  @Benchmark
  public Request decodeFrame() {
    return Request.fromJson(Request.parseFrame(frame, 1_000_000), frame, null);
  }

  @Benchmark
  public String encodeResponse() {
    return Response.ok("r-12345", result).encode();
  }

  @Benchmark
  public FunConfig registryLookup() {
    return registry.lookup("demo", "echo", null);
  }
}
