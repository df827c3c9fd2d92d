package dev.genapi.metrics;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("GenApi's spans")
class TracingTest {

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final Tracing tracing = Tracing.of(OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
    .addSpanProcessor(SimpleSpanProcessor.create(spans)).build()).build());

  @Test
  @DisplayName("a traceparent that is not W3C (garbage, oversize, all-zero ids) starts a new trace instead of failing")
  void hostileTraceparent() {
    for (String bad : new String[] {"garbage", "00-" + "a".repeat(10_000) + "-00f067aa0ba902b7-01",
      "00-00000000000000000000000000000000-0000000000000000-01", ""}) {
      Span span = tracing.startCall(bad, "s", "t");
      Tracing.end(span, null);
      assertThat(span.getSpanContext().isValid()).as(bad.length() > 60 ? "oversize" : bad).isTrue();
    }
    assertThat(spans.getFinishedSpanItems()).hasSize(4)
      .allSatisfy(span -> assertThat(span.getParentSpanContext().isValid()).as("a root span").isFalse());
  }

  @Test
  @DisplayName("the traceparent of a span round-trips as the parent of the next; an invalid span has none")
  void traceparentRoundTrip() {
    Span gateway = tracing.startCall("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "s", "t");
    Span node = tracing.startExecution(Tracing.traceparent(gateway), "s", "t", "1.0.0", "n");
    assertThat(node.getSpanContext().getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    Tracing.end(node, "INTERNAL");
    Tracing.end(gateway, null);
    assertThat(spans.getFinishedSpanItems().get(0).getParentSpanId()).isEqualTo(gateway.getSpanContext().getSpanId());
    assertThat(Tracing.traceparent(Span.getInvalid())).isNull();
    assertThat(Tracing.fromGlobal().enabled()).as("no global OpenTelemetry registered: off").isFalse();
  }
}
