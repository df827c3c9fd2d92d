package dev.genapi.dispatch;

import dev.genapi.api.FunConfig;
import dev.genapi.protocol.Request;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/**
 * For generated {@code arg_types} ({@link RandomArgTypes}), the function's sample call, sent over the wire as JSON,
 * is a valid call whose args pass the argument checks as sent. The seed changes every run; a failure names it, and
 * {@code -Dgenapi.sample.seed=<seed>} runs the same cases again.
 */
@DisplayName("Sample calls")
class SampleCallPropertyTest {

  private static final int CASES = 5_000;

  @Test
  @DisplayName("a sample call names its function, carries every declared arg (at its default if it has one), and "
    + "its args pass the checks as sent")
  void samplePassesTheChecks() {
    long seed = Long.getLong("genapi.sample.seed", System.nanoTime());
    RandomArgTypes generator = new RandomArgTypes(seed);
    for (int i = 0; i < CASES; i++) {
      JsonObject argTypes = generator.next();
      String where = "seed " + seed + ", case " + i + ", arg_types " + argTypes.encode();
      FunConfig function = FunConfig.fromJson(new JsonObject().put("service", "s").put("request_type", "t")
        .put("version", "1.2.3").put("arg_types", argTypes));
      JsonObject received = new JsonObject(function.sample().encode());
      Request call = Request.fromJson(received, received.toBuffer(), null);

      assertThat(List.of(call.requestId(), call.service(), call.requestType(), call.version())).as(where)
        .containsExactly("sample-t", "s", "t", "1.2.3");
      assertThat(call.args().fieldNames()).as(where).containsExactlyInAnyOrderElementsOf(argTypes.fieldNames());
      for (String arg : argTypes.fieldNames()) {
        if (argTypes.getValue(arg) instanceof JsonObject spec && spec.getValue("default") != null) {
          assertThat(call.args().getValue(arg)).as(where + ", default of " + arg).isEqualTo(spec.getValue("default"));
        }
      }
      JsonObject args = call.args();
      assertThatCode(() -> assertThat(ArgumentChecker.check(function, args)).isSameAs(args)).as(where)
        .doesNotThrowAnyException();
    }
  }
}
