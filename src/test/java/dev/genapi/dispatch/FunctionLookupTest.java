package dev.genapi.dispatch;

import dev.genapi.api.ErrorCode;
import dev.genapi.api.FunConfig;
import dev.genapi.api.GenApiException;
import dev.genapi.config.TestRegistry;
import dev.genapi.metrics.GenApiMetrics;
import dev.genapi.protocol.Response;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.genapi.dispatch.StageCalls.function;
import static dev.genapi.dispatch.StageCalls.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

@DisplayName("The lookup stage")
class FunctionLookupTest {

  private final FunConfig lookedUp = function("looked_up", "");
  private final FunConfig off = function("switched_off", ",\"disabled\":true");
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private FunctionLookup lookup;

  @BeforeEach
  void meters() {
    Metrics.addRegistry(meters);
    lookup = new FunctionLookup(TestRegistry.of(lookedUp, off), new GenApiMetrics());
  }

  @AfterEach
  void removeMeters() {
    Metrics.removeRegistry(meters);
  }

  private double calls(String service, String requestType, String code) {
    var counter = meters.find("genapi.calls").tags("service", service, "request_type", requestType, "code", code)
      .counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  @DisplayName("finds the function and counts the call's last frame under it, once")
  void found() {
    List<Response> frames = new ArrayList<>();
    Call call = Call.byClient(request("looked_up", null, new JsonObject()), (response, last) -> frames.add(response));
    assertThat(lookup.apply(call)).isSameAs(Stage.NEXT);
    assertThat(call.function()).isSameAs(lookedUp);
    call.sink().send(Response.chunk("r1", 1), false);
    call.sink().send(Response.ok("r1", 2), true);
    assertThat(frames).extracting(Response::result).containsExactly(1, 2);
    assertThat(calls("svc", "looked_up", "OK")).isEqualTo(1);
  }

  @Test
  @DisplayName("an unknown function ends the call with NOT_FOUND, counted under _unknown")
  void unknown() {
    double before = calls(GenApiMetrics.UNKNOWN, GenApiMetrics.UNKNOWN, "NOT_FOUND");
    Call call = Call.byClient(request("nowhere", null, new JsonObject()), (response, last) -> { });
    GenApiException e = catchThrowableOfType(GenApiException.class, () -> lookup.apply(call));
    assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(e.getMessage()).isEqualTo("unsupported function: nowhere version 0.0.0");
    assertThat(calls(GenApiMetrics.UNKNOWN, GenApiMetrics.UNKNOWN, "NOT_FOUND")).isEqualTo(before + 1);
  }

  @Test
  @DisplayName("a disabled version ends the call with DISABLED")
  void disabled() {
    Call call = Call.byClient(request("switched_off", null, new JsonObject()), (response, last) -> { });
    assertThat(catchThrowableOfType(GenApiException.class, () -> lookup.apply(call)).code())
      .isEqualTo(ErrorCode.DISABLED);
  }
}
