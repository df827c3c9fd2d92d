package dev.genapi.launcher;

import io.vertx.core.json.JsonObject;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * One JSON object per log line ({@code GENAPI_LOG_FORMAT=json}): time, level, logger, message and, for a failure,
 * its stack trace; easy for log collectors to index.
 */
public final class JsonLogFormatter extends Formatter {

  @Override
  public String format(LogRecord record) {
    JsonObject line = new JsonObject()
      .put("time", Instant.ofEpochMilli(record.getMillis()).toString())
      .put("level", record.getLevel().getName())
      .put("logger", record.getLoggerName())
      .put("message", formatMessage(record));
    if (record.getThrown() != null) {
      StringWriter trace = new StringWriter();
      record.getThrown().printStackTrace(new PrintWriter(trace));
      line.put("error", trace.toString());
    }
    return line.encode() + System.lineSeparator();
  }
}
