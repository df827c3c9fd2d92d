package dev.genapi.it;

import dev.genapi.api.FunConfig;
import dev.genapi.api.GenApiException;
import dev.genapi.cluster.ClusterOptions;
import dev.genapi.gateway.Gateway;
import dev.genapi.gateway.GatewayOptions;
import dev.genapi.metrics.Tracing;
import dev.genapi.node.ServiceNode;
import dev.genapi.node.ServiceNodeOptions;
import dev.genapi.testing.Eventually;
import dev.genapi.testing.Http;
import dev.genapi.testing.TestCluster;
import dev.genapi.testing.WsClient;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

import static dev.genapi.testing.WsClient.call;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gateway and a node in two clustered Vert.x instances, both tracing into one in-memory exporter: the client's
 * {@code traceparent} (an HTTP header, or a key of the call object) parents the gateway's span, which parents the
 * node's, which parents the handler's own; a call without one starts a trace at the gateway.
 */
@DisplayName("Traces from the client's traceparent through the gateway to the node's handler")
@ExtendWith(VertxExtension.class)
class TracingClusterTest {

  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String CLIENT_SPAN = "00f067aa0ba902b7";
  private static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();

  private static OpenTelemetrySdk sdk;
  private static Vertx gatewayVertx;
  private static Vertx nodeVertx;
  private static Vertx client;
  private static Gateway gateway;

  @BeforeAll
  static void start(VertxTestContext test) {
    sdk = OpenTelemetrySdk.builder()
      .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(SPANS)).build())
      .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance())).build();
    GlobalOpenTelemetry.resetForTest();
    GlobalOpenTelemetry.set(sdk);
    ClusterOptions cluster = TestCluster.newCluster();
    client = Vertx.vertx();
    TestCluster.join(cluster, 2).compose(members -> {
      gatewayVertx = members.get(0);
      nodeVertx = members.get(1);
      return Gateway.start(gatewayVertx, new GatewayOptions().setPort(TestCluster.freePort()));
    }).compose(started -> {
      gateway = started;
      ServiceNode node = tracedNode();
      return node.start().compose(v -> node.registered());
    }).onComplete(test.succeedingThenComplete());
  }

  @AfterAll
  static void stop(VertxTestContext test) {
    TestCluster.leave(client, nodeVertx, gatewayVertx).onComplete(test.succeeding(v -> {
      GlobalOpenTelemetry.resetForTest();
      sdk.shutdown();
      test.completeNow();
    }));
  }

  @Test
  @DisplayName("POST /api/call with a traceparent header: client span → gateway span → node span → handler span")
  void httpHeader(VertxTestContext test) {
    Http http = new Http(client, gateway.port());
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Content-Type", "application/json")
      .add("traceparent", traceparent(TRACE_ID));
    http.request(HttpMethod.POST, "/api/call", null, inner("h1").encode(), headers)
      .compose(reply -> {
        assertThat(reply.json().getJsonObject("result").getBoolean("traced")).as(reply.json().encode()).isTrue();
        return trace(TRACE_ID, 3);
      })
      .map(spans -> assertChain(spans, CLIENT_SPAN))
      .eventually(http::shutdown)
      .onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("a WebSocket call object's traceparent key parents the gateway's span the same way")
  void webSocketKey(VertxTestContext test) {
    String traceId = "0af7651916cd43dd8448eb211c80319c";
    WsClient.open(client, gateway.port(), null)
      .compose(ws -> ws.ask(inner("w1").put("traceparent", traceparent(traceId)))
        .eventually(ws::shutdown))
      .compose(answer -> {
        assertThat(answer.getBoolean("success")).as(answer.encode()).isTrue();
        return trace(traceId, 3);
      })
      .map(spans -> assertChain(spans, CLIENT_SPAN))
      .onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("a call without traceparent starts its trace at the gateway; a failure marks both spans as errors")
  void newTraceAndError(VertxTestContext test) {
    WsClient.open(client, gateway.port(), null)
      .compose(ws -> ws.ask(call("b1", "traced", "broken", new JsonObject())).eventually(ws::shutdown))
      .compose(answer -> {
        assertThat(answer.getString("code")).isEqualTo("INTERNAL");
        return Eventually.poll(client, () -> named("traced/broken") != null, 5000, () -> "no gateway span")
          .compose(v -> trace(named("traced/broken").getTraceId(), 2));
      })
      .map(spans -> {
        SpanData atGateway = only(spans, "traced/broken");
        SpanData atNode = only(spans, "traced/broken execute");
        assertThat(atGateway.getParentSpanContext().isValid()).as("the gateway's span is the trace's root").isFalse();
        assertThat(atNode.getParentSpanId()).isEqualTo(atGateway.getSpanId());
        for (SpanData span : List.of(atGateway, atNode)) {
          assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
          assertThat(span.getAttributes().get(Tracing.CODE)).isEqualTo("INTERNAL");
        }
        return spans;
      })
      .onComplete(test.succeedingThenComplete());
  }

  private static Void assertChain(List<SpanData> spans, String clientSpan) {
    SpanData atGateway = only(spans, "traced/inner");
    SpanData atNode = only(spans, "traced/inner execute");
    SpanData inHandler = only(spans, "handler work");
    assertThat(atGateway.getParentSpanId()).as("the gateway's parent is the client's span").isEqualTo(clientSpan);
    assertThat(atGateway.getKind()).isEqualTo(SpanKind.SERVER);
    assertThat(atGateway.getAttributes().get(Tracing.SERVICE)).isEqualTo("traced");
    assertThat(atGateway.getAttributes().get(Tracing.REQUEST_TYPE)).isEqualTo("inner");
    assertThat(atGateway.getAttributes().get(Tracing.VERSION)).isEqualTo("1.2.0");
    assertThat(atGateway.getAttributes().get(Tracing.CODE)).isEqualTo("OK");
    assertThat(atGateway.getAttributes().get(Tracing.NODE)).isEqualTo("traced-node");
    assertThat(atGateway.getAttributes().get(Tracing.ATTEMPT)).isEqualTo(1L);
    assertThat(atNode.getParentSpanId()).as("the node's parent is the gateway's span").isEqualTo(atGateway.getSpanId());
    assertThat(atNode.getAttributes().get(Tracing.NODE)).isEqualTo("traced-node");
    assertThat(inHandler.getParentSpanId()).as("the handler's span nests under the node's")
      .isEqualTo(atNode.getSpanId());
    return null;
  }

  private static Future<List<SpanData>> trace(String traceId, int spans) {
    return Eventually.poll(client, () -> spansOf(traceId).size() >= spans, 5000,
      () -> "spans of trace " + traceId + ": " + spansOf(traceId)).map(v -> spansOf(traceId));
  }

  private static List<SpanData> spansOf(String traceId) {
    return SPANS.getFinishedSpanItems().stream().filter(span -> span.getTraceId().equals(traceId)).toList();
  }

  private static SpanData named(String name) {
    return SPANS.getFinishedSpanItems().stream().filter(span -> span.getName().equals(name)).findFirst().orElse(null);
  }

  private static SpanData only(List<SpanData> spans, String name) {
    List<SpanData> named = spans.stream().filter(span -> span.getName().equals(name)).toList();
    assertThat(named).as("spans named " + name + " in " + spans).hasSize(1);
    return named.get(0);
  }

  private static JsonObject inner(String id) {
    return call(id, "traced", "inner", new JsonObject()).put("version", "1.2.0");
  }

  private static String traceparent(String traceId) {
    return "00-" + traceId + "-" + CLIENT_SPAN + "-01";
  }

  private static ServiceNode tracedNode() {
    return ServiceNode.create(nodeVertx, new ServiceNodeOptions().setName("traced-node"))
      .register(FunConfig.fromJson(new JsonObject().put("service", "traced").put("request_type", "inner")
        .put("nodes", new JsonArray().add("traced-node")).put("version", "1.2.0")), call -> {
          Span inner = GlobalOpenTelemetry.getTracer("handler").spanBuilder("handler work")
            .setParent(call.traceContext()).startSpan();
          inner.end();
          return Future.succeededFuture(new JsonObject().put("traced", true));
        })
      .register(FunConfig.fromJson(new JsonObject().put("service", "traced").put("request_type", "broken")
        .put("nodes", new JsonArray().add("traced-node"))), call -> Future.failedFuture(
          GenApiException.internal("broken on purpose")));
  }
}
