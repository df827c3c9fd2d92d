package dev.genapi.metrics;

import dev.genapi.api.ErrorCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The meters of one function's calls: a {@code genapi.calls} counter and a {@code genapi.call.duration} timer per
 * outcome ({@code OK} or an error code), each built on its first use, so a call costs an array read instead of a
 * registry lookup. The timer's histogram has the few buckets of {@link MetricsOptions}.
 */
public final class CallMeters {

  private static final ErrorCode[] CODES = ErrorCode.values();

  private final MeterRegistry registry;
  private final Duration[] buckets;
  private final Tags tags;
  private final Outcome[] outcomes = new Outcome[CODES.length + 1];

  private record Outcome(Counter calls, Timer duration) {
  }

  CallMeters(MeterRegistry registry, Duration[] buckets, String service, String requestType) {
    this.registry = registry;
    this.buckets = buckets;
    this.tags = Tags.of("service", service, "request_type", requestType);
  }

  /**
   * Counts one finished call.
   *
   * @param code the error code, or {@code null} for a success
   * @param nanos the time from the call's arrival to its last frame
   */
  public void record(ErrorCode code, long nanos) {
    int index = code == null ? 0 : code.ordinal() + 1;
    Outcome outcome = outcomes[index];
    if (outcome == null) {
      outcome = build(index);
    }
    outcome.calls().increment();
    outcome.duration().record(nanos, TimeUnit.NANOSECONDS);
  }

  // two threads may build the same meters at once: the registry hands both the same instances
  private Outcome build(int index) {
    Tags outcomeTags = tags.and("code", index == 0 ? "OK" : CODES[index - 1].name());
    Timer duration = Timer.builder("genapi.call.duration").description("Time from a call's arrival to its last frame")
      .tags(outcomeTags).serviceLevelObjectives(buckets).register(registry);
    Outcome outcome = new Outcome(registry.counter("genapi.calls", outcomeTags), duration);
    outcomes[index] = outcome;
    return outcome;
  }
}
