package dev.genapi.launcher;

import dev.genapi.testing.JvmProcess;
import dev.genapi.testing.TestCluster;
import dev.genapi.testing.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static dev.genapi.testing.WsClient.call;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * SIGTERM to an {@code all-in-one} JVM with a call in flight: the lines of its ordered shutdown (drain started,
 * calls left, stopped) all reach its output, in text and in JSON.
 */
@DisplayName("Shutdown lines in the log")
class ShutdownLogsJvmTest {

  private static final long READY_MS = 90_000;
  private static final String TEXT_LINE =
    "\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{3} (TRACE|DEBUG|INFO |WARN |ERROR) \\[[\\w.$]+\\] .+";
  private static final List<String> SHUTDOWN = List.of("GenApi gateway draining: 1 calls in flight",
    "GenApi gateway drained; 0 calls left", "stopped; 0 calls left", "GenApi stopped");

  private static Vertx client;

  @BeforeAll
  static void start() {
    client = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    TestCluster.close(client);
  }

  @Test
  @DisplayName("text: one line per event, the drain, the calls left and 'GenApi stopped' last")
  void text() throws Exception {
    List<String> output = stopDuringCall(Map.of());
    assertThat(output).as("every line is 'time level [logger] message'").allMatch(line -> line.matches(TEXT_LINE));
    assertInOrder(output, line -> line);
  }

  @Test
  @DisplayName("json: every line a JSON object, the drain, the calls left and 'GenApi stopped' last")
  void json() throws Exception {
    List<JsonObject> output = stopDuringCall(Map.of(LogSetup.FORMAT_VARIABLE, "json")).stream()
      .map(ShutdownLogsJvmTest::parse).toList();
    assertThat(output).allSatisfy(line -> assertThat(line.fieldNames())
      .contains("@timestamp", "level", "logger_name", "thread_name", "message"));
    assertInOrder(output, line -> line.getString("message"));
    assertThat(output.get(output.size() - 1).getString("logger_name")).isEqualTo(Lifecycle.class.getName());
  }

  @Test
  @DisplayName("an operator's own Logback file (-Dlogback.configurationFile) replaces the shipped one")
  void operatorsConfig(@TempDir Path dir) throws Exception {
    Path config = Files.writeString(dir.resolve("logback.xml"), """
      <configuration>
        <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
          <encoder><pattern>ops|%level|%logger|%msg%n</pattern></encoder>
        </appender>
        <root level="INFO"><appender-ref ref="OUT"/></root>
      </configuration>
      """);
    int port = TestCluster.freePort();
    try (JvmProcess process = JvmProcess.launch(Map.of("JAVA_TOOL_OPTIONS", "-Dlogback.configurationFile=" + config,
      LogSetup.FORMAT_VARIABLE, "json"), "all-in-one", "--http-port", Integer.toString(port),
      "--cluster-name", "genapi-logs-" + UUID.randomUUID(),
      "--cluster-port", Integer.toString(TestCluster.newCluster().getPort()))) {
      process.awaitLine("ops|INFO|" + Lifecycle.class.getName() + "|GenApi gateway ready on http://127.0.0.1:" + port,
        READY_MS);
    }
  }

  /** Starts all-in-one, sends SIGTERM while a 1.5 s call runs, checks the call's answer, returns the whole output. */
  private static List<String> stopDuringCall(Map<String, String> env) throws Exception {
    int port = TestCluster.freePort();
    try (JvmProcess process = JvmProcess.launch(env, "all-in-one", "--http-port", Integer.toString(port),
      "--cluster-name", "genapi-logs-" + UUID.randomUUID(),
      "--cluster-port", Integer.toString(TestCluster.newCluster().getPort()))) {
      process.awaitLine("GenApi gateway ready on http://127.0.0.1:" + port, READY_MS);
      try (WsClient ws = WsClient.connect(client, port)) {
        ws.send(call("in-flight", "demo", "slow", new JsonObject().put("ms", 1500)));
        assertThat(ws.next().getBoolean("async")).isTrue();
        CompletableFuture<Boolean> ended = CompletableFuture.supplyAsync(() -> process.terminate(30_000));
        assertThat(ws.next(10_000).getString("op")).as("the drain frame comes first").isEqualTo("drain");
        assertThat(ws.next(10_000).getJsonObject("result").getInteger("slept")).isEqualTo(1500);
        assertThat(ended.get(40, TimeUnit.SECONDS)).as("the process ended within its drain budget").isTrue();
      }
      return process.output(10_000);
    }
  }

  private static <T> void assertInOrder(List<T> output, Function<T, String> message) {
    List<String> messages = output.stream().map(message).toList();
    int previous = -1;
    for (String expected : SHUTDOWN) {
      int at = indexOf(messages, expected);
      assertThat(at).as("'%s' after the line before it in:%n%s", expected, String.join("\n", messages))
        .isGreaterThan(previous);
      previous = at;
    }
    assertThat(messages.get(messages.size() - 1)).as("the last line").contains("GenApi stopped");
  }

  private static int indexOf(List<String> messages, String text) {
    for (int i = 0; i < messages.size(); i++) {
      if (messages.get(i).contains(text)) {
        return i;
      }
    }
    return -1;
  }

  private static JsonObject parse(String line) {
    try {
      return new JsonObject(line);
    } catch (DecodeException e) {
      throw new AssertionError("not a JSON line: " + line, e);
    }
  }
}
