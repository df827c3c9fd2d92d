package dev.genapi.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Every log record of the JVM while installed (java.util.logging, which GenApi, Vert.x and Netty log to here), so a
 * test can fail on a stack trace that a client's bad input left in the log.
 */
public final class LogCapture extends Handler implements AutoCloseable {

  private final List<LogRecord> records = new CopyOnWriteArrayList<>();

  private LogCapture() {
  }

  /** Starts capturing on the root logger. */
  public static LogCapture install() {
    LogCapture capture = new LogCapture();
    Logger.getLogger("").addHandler(capture);
    return capture;
  }

  /** @return the records that carry a throwable (they would print a stack trace), as "logger: message: throwable" */
  public List<String> stackTraces() {
    return records.stream().filter(r -> r.getThrown() != null)
      .map(r -> r.getLoggerName() + ": " + r.getMessage() + ": " + r.getThrown()).toList();
  }

  /** Stops capturing, then fails when any record carried a throwable. */
  public void closeAndAssertNoStackTraces() {
    close();
    org.assertj.core.api.Assertions.assertThat(stackTraces()).as("stack traces in the gateway's log").isEmpty();
  }

  @Override
  public void publish(LogRecord record) {
    records.add(record);
  }

  @Override
  public void flush() {
  }

  @Override
  public void close() {
    Logger.getLogger("").removeHandler(this);
  }
}
