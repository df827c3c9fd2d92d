package dev.genapi.metrics;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * How GenApi's meters are exported. The call-duration histogram has a short, fixed list of buckets (SLO style): with
 * N bounds, a function exports N + 5 series per outcome code ({@code genapi_calls_total}, N + 1 {@code _bucket}s,
 * {@code _count}, {@code _sum}, {@code _max}) instead of the ~70 buckets of a percentile histogram. The JSON key
 * {@code latency_buckets_ms} sits in {@code gateway.json}.
 */
public final class MetricsOptions {

  /** Default upper bounds of the call-duration buckets, in milliseconds. */
  public static final List<Double> DEFAULT_LATENCY_BUCKETS_MS = List.of(1.0, 5.0, 10.0, 50.0, 100.0, 500.0, 1000.0,
    5000.0);
  /** Most buckets a histogram may have: each costs one series per function and outcome. */
  public static final int MAX_LATENCY_BUCKETS = 20;

  private List<Double> latencyBucketsMs = DEFAULT_LATENCY_BUCKETS_MS;

  /** Options with the defaults. */
  public MetricsOptions() {
  }

  /**
   * @param json {@code latency_buckets_ms}: the bounds in milliseconds, numbers or numeric strings, increasing
   * @throws IllegalArgumentException on a value that is not a valid list of bounds
   */
  public MetricsOptions(JsonObject json) {
    JsonArray buckets = json.getJsonArray("latency_buckets_ms");
    if (buckets != null) {
      setLatencyBucketsMs(bounds(buckets));
    }
  }

  /** @return the JSON form */
  public JsonObject toJson() {
    return new JsonObject().put("latency_buckets_ms", new JsonArray(new ArrayList<>(latencyBucketsMs)));
  }

  /** @return the upper bounds of the call-duration buckets, in milliseconds, increasing */
  public List<Double> getLatencyBucketsMs() { return latencyBucketsMs; }

  /**
   * @param bounds 1 to {@value #MAX_LATENCY_BUCKETS} upper bounds in milliseconds, positive and strictly increasing
   * @return a reference to this, so the API can be used fluently
   */
  public MetricsOptions setLatencyBucketsMs(List<Double> bounds) {
    if (bounds.isEmpty() || bounds.size() > MAX_LATENCY_BUCKETS) {
      throw new IllegalArgumentException("latency_buckets_ms: " + bounds + " (expected: 1 to " + MAX_LATENCY_BUCKETS
        + " bounds)");
    }
    double previous = 0;
    for (double bound : bounds) {
      if (!(bound > previous) || Double.isInfinite(bound)) {
        throw new IllegalArgumentException("latency_buckets_ms: " + bounds
          + " (expected: positive milliseconds, strictly increasing)");
      }
      previous = bound;
    }
    this.latencyBucketsMs = List.copyOf(bounds);
    return this;
  }

  private static List<Double> bounds(JsonArray values) {
    List<Double> bounds = new ArrayList<>(values.size());
    for (Object value : values) {
      if (value instanceof Number number) {
        bounds.add(number.doubleValue());
      } else {
        try {
          bounds.add(Double.parseDouble(String.valueOf(value).trim()));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("latency_buckets_ms: '" + value + "' is not a number");
        }
      }
    }
    return bounds;
  }
}
