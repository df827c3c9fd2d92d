package dev.genapi.it;

import dev.genapi.gateway.Gateway;
import dev.genapi.gateway.GatewayOptions;
import dev.genapi.testing.DemoCluster;
import dev.genapi.testing.NodeClients;
import dev.genapi.testing.TestCluster;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.assertj.core.api.MapAssert;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The TypeScript client of {@code clients/ts} under Node: its generator writes the typed facade from a demo gateway's
 * {@code /api/schema}, {@code tsc} compiles a typed program with it (and refuses a call with a wrongly typed argument),
 * and the program calls, streams, cancels, fails, receives pushes and moves to a second gateway when the first one
 * drains.
 */
@DisplayName("TypeScript client")
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
class TypeScriptClientTest {

  private static final Path DIR = Path.of("clients", "ts");
  private static final Path GENERATED = Path.of("test", "generated", "genapi.generated.ts");
  private static final String CLIENT_IMPORT = "../../src/client.js";

  private static DemoCluster cluster;
  private static Gateway second;
  private static Gateway stopped;

  @BeforeAll
  static void start(VertxTestContext test) {
    DemoCluster.open(new GatewayOptions().setDrainTimeoutMs(10_000).setDrainReconnectSpreadMs(200))
      .compose(started -> {
        cluster = started;
        return cluster.startGateway(new GatewayOptions());
      })
      .compose(started -> {
        second = started;
        return cluster.startGateway(new GatewayOptions());
      })
      .compose(started -> {
        stopped = started;
        return blocking(TypeScriptClientTest::generateAndCompile);
      })
      .onComplete(test.succeedingThenComplete());
  }

  @AfterAll
  static void stop(VertxTestContext test) {
    cluster.shutdown().onComplete(test.succeedingThenComplete());
  }

  private static <T> Future<T> blocking(Callable<T> work) {
    return cluster.clients().executeBlocking(work);
  }

  /** Installs the package's npm dependencies if needed, generates the facade and compiles the test program. */
  private static Void generateAndCompile() {
    if (!Files.isDirectory(DIR.resolve("node_modules").resolve("typescript"))) {
      succeed(List.of("npm", "ci", "--no-audit", "--no-fund"), 300);
    }
    succeed(List.of("node", "scripts/generate.mjs", "http://127.0.0.1:" + cluster.port() + "/api/schema",
      GENERATED.toString(), "--client", CLIENT_IMPORT), 60);
    succeed(List.of("node_modules/.bin/tsc", "-p", "test/tsconfig.json"), 120);
    return null;
  }

  private static String succeed(List<String> command, long timeoutSeconds) {
    NodeClients.Ran ran = NodeClients.runIn(DIR, command, Map.of(), timeoutSeconds);
    assertThat(ran.exitCode()).as(command + " in clients/ts:\n" + ran.output()).isZero();
    return ran.output();
  }

  @Test
  @DisplayName("the committed example is what the generator writes for the demo catalogue")
  void exampleIsCurrent() throws IOException {
    String generated = Files.readString(DIR.resolve(GENERATED)).replace("\"" + CLIENT_IMPORT + "\"",
      "\"@genapi/client\"");
    assertThat(generated).contains("add(args: DemoAddArgs, options?: CallOptions): Promise<DemoAddResult>;",
      "count(args: DemoCountArgs, options?: CallOptions): CallStream<DemoCountResult>;",
      "getUserV1_0_0(args: DemoGetUserV1_0_0Args", "notify(args: DemoNotifyArgs, options?: CallOptions): Promise<void>;");
    assertThat(Files.readString(DIR.resolve("examples").resolve("genapi.generated.ts")))
      .as("clients/ts/examples/genapi.generated.ts is stale: run scripts/generate.mjs against an all-in-one gateway")
      .isEqualTo(generated);
  }

  @Test
  @DisplayName("tsc --noEmit refuses a call whose argument has the wrong type, and only that")
  void typeErrorFailsTsc(VertxTestContext test) {
    blocking(() -> NodeClients.runIn(DIR, List.of("node_modules/.bin/tsc", "-p", "test/tsconfig.type-error.json"),
      Map.of(), 120)).onComplete(test.succeeding(ran -> test.verify(() -> {
        assertThat(ran.exitCode()).as(ran.output()).isNotZero();
        List<String> errors = ran.output().lines().filter(line -> line.contains("error TS")).toList();
        assertThat(errors).as(ran.output()).singleElement().satisfies(error -> assertThat(error)
          .startsWith("test/type-error.ts(7,").contains("TS2322").contains("'string' is not assignable to type 'number'"));
        test.completeNow();
      })));
  }

  @Test
  @DisplayName("calls, an async call, streams, cancels, errors, a push and a relay message; then a drain moves it")
  void clientAgainstGateways(VertxTestContext test) throws IOException {
    Path flag = Files.createTempDirectory("genapi-ts").resolve("drain-begun");
    blocking(() -> {
      NodeClients.Background program = NodeClients.startIn(DIR, List.of("node", "build-test/test/client-test.js",
        url(cluster.port()), url(second.port()), flag.toString()));
      program.awaitLine("ready-for-drain", 60_000);
      cluster.gateway().drain();
      Files.createFile(flag);
      return program.result(40_000);
    }).onComplete(test.succeeding(seen -> test.verify(() -> {
      assertCalls(seen);
      assertErrors(seen);
      assertPushes(seen);
      assertDrain(seen);
      test.completeNow();
    })));
  }

  @Test
  @DisplayName("a call made before any connection is sent once one opens; one on the wire when its gateway stops fails "
    + "CONNECTION_LOST; one waiting while no gateway answers fails CLIENT_CLOSED on close()")
  void clientWhenConnectionsFail(VertxTestContext test) {
    int nothingThere = TestCluster.freePort();
    blocking(() -> {
      NodeClients.Background program = NodeClients.startIn(DIR, List.of("node", "build-test/test/drop-test.js",
        url(nothingThere), url(stopped.port())));
      program.awaitLine("ready-for-drop", 60_000);
      TestCluster.await(stopped.stop());
      return program.result(40_000);
    }).onComplete(test.succeeding(seen -> test.verify(() -> {
      assertThat(seen.getJsonObject("queued")).isEqualTo(new JsonObject()
        .put("answered", new JsonObject().put("message", "sent once connected")));
      assertThat(seen.getJsonArray("closes").getJsonObject(0).getString("url")).as("the first URL refused")
        .isEqualTo(url(nothingThere));
      assertThat(seen.getJsonArray("opens").getString(0)).isEqualTo(url(stopped.port()));
      JsonObject lost = seen.getJsonObject("lost");
      assertThat(lost.getString("code")).as(lost.encode()).isEqualTo("CONNECTION_LOST");
      assertThat(lost.getString("message")).contains("it may have run");
      assertThat(seen.getJsonObject("waiting").getString("code")).isEqualTo("CLIENT_CLOSED");
      assertThat(seen.getJsonObject("afterClose").getString("code")).isEqualTo("CLIENT_CLOSED");
      test.completeNow();
    })));
  }

  private static String url(int port) {
    return "ws://127.0.0.1:" + port + "/ws";
  }

  private static void assertCalls(JsonObject seen) {
    assertThat(seen.getString("echo")).isEqualTo("hi from ts");
    assertThat(seen.getInteger("add")).isEqualTo(5);
    assertThat(seen.getJsonObject("slow")).isEqualTo(new JsonObject().put("slept", 50));
    assertThat(seen.getJsonArray("count")).isEqualTo(new JsonArray().add(1).add(2).add(3));
    assertThat(seen.getJsonArray("countBreak")).as("a loop left after two chunks").isEqualTo(new JsonArray().add(1).add(2));
  }

  private static void assertErrors(JsonObject seen) {
    assertError(seen, "cancel", "CANCELLED", false).containsEntry("message", "Cancelled");
    assertError(seen, "cancelBeforeSent", "CANCELLED", true);
    assertError(seen, "timeout", "TIMEOUT", true).containsEntry("canRetry", true);
    assertError(seen, "fail", "INTERNAL", false).containsEntry("message", "Internal Server Error");
    assertError(seen, "invalid", "INVALID_ARGUMENT", false)
      .containsEntry("message", "missing or nil argument \"b\" in \"add\"");
    assertError(seen, "notFound", "NOT_FOUND", false)
      .containsEntry("message", "unsupported function: nope version 0.0.0");
  }

  private static MapAssert<String, Object> assertError(JsonObject seen, String key, String code,
                                                                            boolean local) {
    JsonObject error = seen.getJsonObject(key);
    return assertThat(error.getMap()).as(key + ": " + error.encode()).containsEntry("code", code)
      .containsEntry("local", local);
  }

  private static void assertPushes(JsonObject seen) {
    assertThat(seen.getJsonObject("pushCall")).isEqualTo(new JsonObject().put("pushed", true));
    JsonObject push = seen.getJsonObject("push");
    assertThat(push.getString("target")).isEqualTo("user");
    assertThat(push.getJsonObject("payload")).isEqualTo(new JsonObject().put("message", "pushed to ts"));
    assertThat(seen.getJsonObject("relaySend").getString("status")).isEqualTo("relayed");
    JsonObject group = seen.getJsonObject("groupPush");
    assertThat(group.getString("target")).isEqualTo("group");
    assertThat(group.getString("groupId")).startsWith("ts-group-");
    JsonObject payload = group.getJsonObject("payload");
    assertThat(payload.getString("from_user_id")).isEqualTo("ts-user");
    assertThat(payload.getJsonObject("message")).isEqualTo(new JsonObject().put("text", "hello group"));
  }

  private static void assertDrain(JsonObject seen) {
    JsonObject drain = seen.getJsonObject("drain");
    assertThat(drain.getString("url")).isEqualTo(url(cluster.port()));
    assertThat(drain.getLong("reconnectAfterMs")).isBetween(0L, 200L);
    assertThat(seen.getJsonObject("reopened").getString("url")).as("the next URL").isEqualTo(url(second.port()));
    assertThat(seen.getJsonObject("afterDrain")).isEqualTo(new JsonObject().put("message", "after drain"));
    assertThat(seen.getJsonObject("inFlight")).as("the call in flight when the drain began")
      .isEqualTo(new JsonObject().put("answered", new JsonObject().put("slept", 1500)));
    assertThat(seen.getJsonObject("crossed")).as("a call written after the drain began: refused there, sent again")
      .isEqualTo(new JsonObject().put("answered", new JsonObject().put("message", "crossed the drain")));
    assertThat(seen.getJsonArray("closes").stream().map(JsonObject.class::cast)
      .filter(close -> close.getString("url").equals(url(cluster.port()))))
      .as("the drained connection closed once its call was answered").singleElement()
      .satisfies(close -> assertThat(close.getInteger("code")).isIn(1000, 1012));
  }
}
