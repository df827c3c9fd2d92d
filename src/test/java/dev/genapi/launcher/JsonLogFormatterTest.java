package dev.genapi.launcher;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.logging.Level;
import java.util.logging.LogRecord;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("JSON log lines")
class JsonLogFormatterTest {

  @Test
  @DisplayName("hold time, level, logger, message and the failure, one object per line")
  void jsonLine() {
    LogRecord record = new LogRecord(Level.WARNING, "Call {0} failed");
    record.setParameters(new Object[] {"r-42"});
    record.setLoggerName("dev.genapi.node.ServiceNode");
    record.setThrown(new IllegalStateException("boom"));
    String line = new JsonLogFormatter().format(record);
    assertThat(line).endsWith(System.lineSeparator()).doesNotContain("\n{");
    JsonObject json = new JsonObject(line.strip());
    assertThat(json.getString("level")).isEqualTo("WARNING");
    assertThat(json.getString("logger")).isEqualTo("dev.genapi.node.ServiceNode");
    assertThat(json.getString("message")).isEqualTo("Call r-42 failed");
    assertThat(json.getString("error")).contains("IllegalStateException: boom");
    assertThat(json.getString("time")).matches("\\d{4}-\\d{2}-\\d{2}T.*Z");
  }
}
