package dev.genapi.gateway;

/**
 * The HTTP paths a gateway serves, in one place (probes and manifests refer to them).
 */
public final class Paths {

  /** Liveness: {@code 200} while the process runs. */
  public static final String LIVE = "/health/live";
  /** Readiness: {@code 200} once in the cluster with the registry loaded, {@code 503} while draining. */
  public static final String READY = "/health/ready";
  /** Prometheus metrics. */
  public static final String METRICS = "/metrics";

  private Paths() {
  }
}
