package dev.genapi.metrics;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;

import java.util.List;

/**
 * GenApi's spans, W3C trace context in and out: a gateway's call ({@link #startCall}), parented by the client's
 * {@code traceparent}, and a node's execution of it ({@link #startExecution}), parented by the {@code traceparent} the
 * gateway sent with the attempt. Tracing is on when the process registered an OpenTelemetry SDK as
 * {@link GlobalOpenTelemetry} before the gateway or node started (the launcher does when {@code OTEL_*} variables ask
 * for an exporter); off, every method answers {@link Span#getInvalid()} or {@code null} and costs nothing.
 */
public final class Tracing {

  /** The instrumentation scope of GenApi's spans. */
  public static final String SCOPE = "dev.genapi";
  /** The service called. */
  public static final AttributeKey<String> SERVICE = AttributeKey.stringKey("genapi.service");
  /** The function called. */
  public static final AttributeKey<String> REQUEST_TYPE = AttributeKey.stringKey("genapi.request_type");
  /** The version that served the call. */
  public static final AttributeKey<String> VERSION = AttributeKey.stringKey("genapi.version");
  /** How the call ended: {@code OK} or an error code. */
  public static final AttributeKey<String> CODE = AttributeKey.stringKey("genapi.code");
  /** The node of the last attempt (a gateway's span), or the node that ran the call (a node's span). */
  public static final AttributeKey<String> NODE = AttributeKey.stringKey("genapi.node");
  /** The number of the last attempt, from 1. */
  public static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("genapi.attempt");

  private static final Tracing OFF = new Tracing(null);
  private static final TextMapGetter<String> TRACEPARENT = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(String carrier) {
      return List.of("traceparent");
    }

    @Override
    public String get(String carrier, String key) {
      return "traceparent".equals(key) ? carrier : null;
    }
  };

  private final Tracer tracer;

  private Tracing(Tracer tracer) {
    this.tracer = tracer;
  }

  /** @return tracing with the process's {@link GlobalOpenTelemetry} when one was registered, else off */
  public static Tracing fromGlobal() {
    return GlobalOpenTelemetry.isSet() ? of(GlobalOpenTelemetry.get()) : OFF;
  }

  /** @return tracing with that OpenTelemetry */
  public static Tracing of(OpenTelemetry openTelemetry) {
    return new Tracing(openTelemetry.getTracer(SCOPE));
  }

  /** @return whether spans are made */
  public boolean enabled() {
    return tracer != null;
  }

  /**
   * Starts a gateway's span for one call, named {@code <service>/<request_type>}.
   *
   * @param traceparent the client's W3C {@code traceparent}, or {@code null} (then the current context's span, if any,
   *                    is the parent)
   * @return the span, or {@link Span#getInvalid()} when tracing is off
   */
  public Span startCall(String traceparent, String service, String requestType) {
    if (tracer == null) {
      return Span.getInvalid();
    }
    return tracer.spanBuilder(service + "/" + requestType).setSpanKind(SpanKind.SERVER).setParent(parent(traceparent))
      .setAttribute(SERVICE, service).setAttribute(REQUEST_TYPE, requestType).startSpan();
  }

  /**
   * Starts a node's span for running one call.
   *
   * @param traceparent the {@code traceparent} the gateway sent with the attempt, or {@code null}
   * @return the span, or {@link Span#getInvalid()} when tracing is off
   */
  public Span startExecution(String traceparent, String service, String requestType, String version, String node) {
    if (tracer == null) {
      return Span.getInvalid();
    }
    return tracer.spanBuilder(service + "/" + requestType + " execute").setSpanKind(SpanKind.SERVER)
      .setParent(parent(traceparent)).setAttribute(SERVICE, service).setAttribute(REQUEST_TYPE, requestType)
      .setAttribute(VERSION, version).setAttribute(NODE, node).startSpan();
  }

  /**
   * Ends a span with the outcome of its call.
   *
   * @param code {@code null} for a success, else the error code's name
   */
  public static void end(Span span, String code) {
    span.setAttribute(CODE, code == null ? "OK" : code);
    if (code != null) {
      span.setStatus(StatusCode.ERROR, code);
    }
    span.end();
  }

  /** @return the span's W3C {@code traceparent}, or {@code null} for an invalid span */
  public static String traceparent(Span span) {
    SpanContext context = span.getSpanContext();
    if (!context.isValid()) {
      return null;
    }
    return "00-" + context.getTraceId() + "-" + context.getSpanId() + "-" + context.getTraceFlags().asHex();
  }

  /** @return the context that holds the span, for a handler's own spans to nest under; the root one when invalid */
  public static Context contextOf(Span span) {
    return span.getSpanContext().isValid() ? Context.root().with(span) : Context.root();
  }

  private static Context parent(String traceparent) {
    if (traceparent == null) {
      return Context.current();
    }
    return W3CTraceContextPropagator.getInstance().extract(Context.root(), traceparent, TRACEPARENT);
  }
}
