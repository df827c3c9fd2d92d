package dev.genapi.launcher;

import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;

import java.util.Map;

/**
 * Turns traces on from the standard {@code OTEL_*} variables: when {@code OTEL_TRACES_EXPORTER} names an exporter
 * ({@code otlp}, {@code logging}, …) or an OTLP endpoint is set, and {@code OTEL_SDK_DISABLED} is not {@code true}, the
 * SDK is configured by OpenTelemetry's autoconfiguration (every other {@code OTEL_*} variable applies) and registered
 * as the process's global one, which the gateway and the node trace with. Metrics and logs stay with Micrometer and
 * Logback unless their own {@code OTEL_*_EXPORTER} says otherwise. Nothing set, no SDK: tracing is off and free.
 */
final class TracingSetup {

  private TracingSetup() {
  }

  /**
   * @param env the environment
   * @param role the launcher role, the default {@code service.name} ({@code genapi-<role>})
   * @return the SDK, to close on shutdown (flushing the spans not yet exported), or {@code null} when traces are off
   */
  static OpenTelemetrySdk start(Map<String, String> env, String role) {
    if (!requested(env)) {
      return null;
    }
    return AutoConfiguredOpenTelemetrySdk.builder()
      .addPropertiesSupplier(() -> Map.of("otel.service.name", "genapi-" + role, "otel.metrics.exporter", "none",
        "otel.logs.exporter", "none"))
      .setResultAsGlobal().disableShutdownHook().build().getOpenTelemetrySdk();
  }

  static boolean requested(Map<String, String> env) {
    if ("true".equalsIgnoreCase(env.get("OTEL_SDK_DISABLED"))) {
      return false;
    }
    String exporter = env.get("OTEL_TRACES_EXPORTER");
    if (exporter != null && !exporter.isBlank()) {
      return !"none".equalsIgnoreCase(exporter.trim());
    }
    return env.containsKey("OTEL_EXPORTER_OTLP_ENDPOINT") || env.containsKey("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
  }
}
