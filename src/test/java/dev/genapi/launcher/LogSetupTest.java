package dev.genapi.launcher;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Log format setting")
class LogSetupTest {

  @Test
  @DisplayName("GENAPI_LOG_FORMAT picks text (also when unset) or json, in any case")
  void formats() {
    assertThat(LogSetup.configFor(null)).isEqualTo(LogSetup.TEXT_CONFIG);
    assertThat(LogSetup.configFor("text")).isEqualTo(LogSetup.TEXT_CONFIG);
    assertThat(LogSetup.configFor(" JSON ")).isEqualTo(LogSetup.JSON_CONFIG);
    assertThat(LogSetupTest.class.getClassLoader().getResource(LogSetup.TEXT_CONFIG)).isNotNull();
    assertThat(LogSetupTest.class.getClassLoader().getResource(LogSetup.JSON_CONFIG)).isNotNull();
  }

  @Test
  @DisplayName("another value is refused with the values it takes")
  void unknownFormat() {
    assertThatThrownBy(() -> LogSetup.configFor("xml")).isInstanceOf(IllegalArgumentException.class)
      .hasMessage("GENAPI_LOG_FORMAT must be text or json, not 'xml'");
  }
}
