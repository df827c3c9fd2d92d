package dev.genapi.dispatch;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("CallbackAnswers")
class CallbackAnswersTest {

  @Test
  @DisplayName("keeps an answer, allowed or not, until its expiry and forgets it from then on")
  void expiry() {
    CallbackAnswers answers = new CallbackAnswers(10);
    answers.put("yes", true, 1_000);
    answers.put("no", false, 1_000);
    assertThat(answers.get("yes", 999)).isTrue();
    assertThat(answers.get("no", 999)).isFalse();
    assertThat(answers.get("yes", 1_000)).isNull();
    assertThat(answers.size()).as("an expired answer is dropped when looked up").isEqualTo(1);
    assertThat(answers.get("unknown", 0)).isNull();
  }

  @Test
  @DisplayName("keeps at most its bound of answers, dropping the least recently used one")
  void bound() {
    CallbackAnswers answers = new CallbackAnswers(2);
    answers.put("a", true, Long.MAX_VALUE);
    answers.put("b", true, Long.MAX_VALUE);
    assertThat(answers.get("a", 0)).isTrue();
    answers.put("c", true, Long.MAX_VALUE);
    assertThat(answers.size()).isEqualTo(2);
    assertThat(answers.get("b", 0)).as("the least recently used").isNull();
    assertThat(answers.get("a", 0)).isTrue();
    assertThat(answers.get("c", 0)).isTrue();
  }
}
