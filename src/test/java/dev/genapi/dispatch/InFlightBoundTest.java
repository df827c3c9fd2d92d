package dev.genapi.dispatch;

import dev.genapi.api.ErrorCode;
import dev.genapi.api.FunConfig;
import dev.genapi.api.GenApiException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static dev.genapi.dispatch.StageCalls.found;
import static dev.genapi.dispatch.StageCalls.function;
import static dev.genapi.dispatch.StageCalls.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

@DisplayName("The in-flight bound")
class InFlightBoundTest {

  private final InFlightBound bound = new InFlightBound(2);
  private final FunConfig busy = function("busy", "");
  private final FunConfig idle = function("idle", "");

  private Call call(FunConfig function) {
    return found(function, request(function.requestType(), null, new JsonObject()));
  }

  @Test
  @DisplayName("past the bound a call of that function ends with OVERLOADED; other functions still pass")
  void bounds() {
    Call first = call(busy);
    bound.apply(first);
    bound.apply(call(busy));
    GenApiException e = catchThrowableOfType(GenApiException.class, () -> bound.apply(call(busy)));
    assertThat(e.code()).isEqualTo(ErrorCode.OVERLOADED);
    assertThat(e.getMessage()).isEqualTo("Service temporarily unavailable");
    assertThat(bound.apply(call(idle))).isSameAs(Stage.NEXT);
    assertThat(bound.total()).isEqualTo(3);
  }

  @Test
  @DisplayName("a call that ends gives its slot back, once")
  void releases() {
    Call first = call(busy);
    bound.apply(first);
    bound.apply(call(busy));
    first.release();
    first.release();
    assertThat(bound.total()).isEqualTo(1);
    assertThat(bound.apply(call(busy))).isSameAs(Stage.NEXT);
    assertThat(catchThrowableOfType(GenApiException.class, () -> bound.apply(call(busy))).code())
      .isEqualTo(ErrorCode.OVERLOADED);
  }
}
