package dev.genapi.launcher;

import ch.qos.logback.classic.ClassicConstants;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

import java.util.Locale;
import java.util.Map;

/**
 * The launcher's logging: SLF4J and Logback, text or JSON lines on standard output ({@code GENAPI_LOG_FORMAT}), an
 * operator's own Logback file when {@code -Dlogback.configurationFile} names one, java.util.logging bridged into
 * the same output, and Logback stopped only once the shutdown hook logged its last line.
 */
final class LogSetup {

  /** The environment variable that picks the shipped configuration: {@code text} (default) or {@code json}. */
  static final String FORMAT_VARIABLE = "GENAPI_LOG_FORMAT";
  static final String TEXT_CONFIG = "dev/genapi/launcher/logback.xml";
  static final String JSON_CONFIG = "dev/genapi/launcher/logback-json.xml";

  private LogSetup() {
  }

  /**
   * Chooses the configuration, then starts Logback; call it before anything asks for a logger.
   *
   * @param env the environment, for {@code GENAPI_LOG_FORMAT}
   * @throws IllegalArgumentException when the format is neither {@code text} nor {@code json}
   */
  static void configure(Map<String, String> env) {
    String config = configFor(env.get(FORMAT_VARIABLE));
    if (System.getProperty(ClassicConstants.CONFIG_FILE_PROPERTY) == null) {
      System.setProperty(ClassicConstants.CONFIG_FILE_PROPERTY, config);
    }
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
  }

  /**
   * @param format the value of {@code GENAPI_LOG_FORMAT}, or null
   * @return the class-path resource of the shipped configuration for that format
   */
  static String configFor(String format) {
    String name = format == null || format.isBlank() ? "text" : format.strip().toLowerCase(Locale.ROOT);
    return switch (name) {
      case "text" -> TEXT_CONFIG;
      case "json" -> JSON_CONFIG;
      default -> throw new IllegalArgumentException(FORMAT_VARIABLE + " must be text or json, not '" + format + "'");
    };
  }

  /** Writes out what Logback still holds and stops it: the last step of the shutdown hook. */
  static void stop() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      context.stop();
    }
  }
}
