package dev.genapi.dispatch;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Retry backoff")
class BackoffTest {

  @Test
  @DisplayName("is min(100 * 2^(k-1), 5000) ms with a jitter in (0.5, 1.5], k being the retries left")
  void formula() {
    assertThat(Invocation.backoffMs(1, 0.5)).isEqualTo(100);
    assertThat(Invocation.backoffMs(3, 0.5)).isEqualTo(400);
    assertThat(Invocation.backoffMs(3, 0.0)).isEqualTo(600);
    assertThat(Invocation.backoffMs(3, 0.999_999)).isEqualTo(200);
    assertThat(Invocation.backoffMs(7, 0.5)).isEqualTo(5000);
    assertThat(Invocation.backoffMs(40, 0.0)).isEqualTo(7500);
    assertThat(Invocation.backoffMs(2, 0.5)).isLessThan(Invocation.backoffMs(3, 0.5));
  }
}
