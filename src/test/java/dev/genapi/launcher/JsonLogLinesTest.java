package dev.genapi.launcher;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.joran.spi.JoranException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.MDC;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lines of {@code GENAPI_LOG_FORMAT=json}, written by the shipped {@code logback-json.xml} to a buffer instead of
 * standard output: the fields a log pipeline indexes.
 */
@DisplayName("JSON log lines")
class JsonLogLinesTest {

  private static final String NODE_LOGGER = "dev.genapi.node.ServiceNode";

  @Test
  @DisplayName("hold @timestamp in UTC, level, logger_name, thread_name and message, one object per line")
  void fields() throws JoranException {
    List<JsonObject> lines = logged(log -> {
      log.info("Service node {} started", "node-a");
      log.warn("Lease renewal of node {} failed", "node-a");
    });
    assertThat(lines).hasSize(2);
    JsonObject first = lines.get(0);
    assertThat(first.getString("message")).isEqualTo("Service node node-a started");
    assertThat(first.getString("level")).isEqualTo("INFO");
    assertThat(first.getString("logger_name")).isEqualTo(NODE_LOGGER);
    assertThat(first.getString("thread_name")).isEqualTo(Thread.currentThread().getName());
    assertThat(first.getString("@timestamp")).endsWith("Z");
    assertThat(Instant.parse(first.getString("@timestamp"))).isBetween(Instant.now().minusSeconds(60), Instant.now());
    assertThat(first.fieldNames()).doesNotContain("request_id", "stack_trace", "@version", "level_value");
    assertThat(lines.get(1).getString("level")).isEqualTo("WARN");
  }

  @Test
  @DisplayName("hold the request_id the MDC carries around a failed call, and its stack trace on the same line")
  void requestIdAndStackTrace() throws JoranException {
    List<JsonObject> lines = logged(log -> {
      try (MDC.MDCCloseable id = MDC.putCloseable("request_id", "r-42")) {
        log.warn("Call {} to demo.fail failed: {}", "r-42", "Internal Server Error",
          new IllegalStateException("demo failure"));
      }
      log.info("after the call");
    });
    assertThat(lines).hasSize(2);
    JsonObject failure = lines.get(0);
    assertThat(failure.getString("request_id")).isEqualTo("r-42");
    assertThat(failure.getString("message")).isEqualTo("Call r-42 to demo.fail failed: Internal Server Error");
    assertThat(failure.getString("stack_trace")).startsWith("java.lang.IllegalStateException: demo failure")
      .contains("at dev.genapi.launcher.JsonLogLinesTest");
    assertThat(lines.get(1).fieldNames()).as("the MDC is clear after the call").doesNotContain("request_id");
  }

  /** Configures a Logback context of its own from the shipped file, logs, and parses what it wrote. */
  private static List<JsonObject> logged(Consumer<Logger> log) throws JoranException {
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(MDC.getMDCAdapter());
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(JsonLogLinesTest.class.getClassLoader().getResource(LogSetup.JSON_CONFIG));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    @SuppressWarnings("unchecked")
    OutputStreamAppender<ILoggingEvent> console = (OutputStreamAppender<ILoggingEvent>)
      context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("CONSOLE");
    console.setOutputStream(out);
    log.accept(context.getLogger(NODE_LOGGER));
    context.stop();
    return out.toString(StandardCharsets.UTF_8).lines().map(JsonObject::new).toList();
  }
}
