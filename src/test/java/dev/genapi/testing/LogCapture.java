package dev.genapi.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Every log event of the JVM while installed, at the levels the test configuration lets through (GenApi, Vert.x,
 * Netty and Hazelcast log through SLF4J to Logback; java.util.logging is bridged there too), so a test can fail on a
 * stack trace that a client's bad input left in the log.
 */
public final class LogCapture extends UnsynchronizedAppenderBase<ILoggingEvent> implements AutoCloseable {

  private final List<ILoggingEvent> events = new CopyOnWriteArrayList<>();

  private LogCapture() {
  }

  /** Starts capturing on the root logger. */
  public static LogCapture install() {
    if (!SLF4JBridgeHandler.isInstalled()) {
      SLF4JBridgeHandler.removeHandlersForRootLogger();
      SLF4JBridgeHandler.install();
    }
    LogCapture capture = new LogCapture();
    capture.setContext((LoggerContext) LoggerFactory.getILoggerFactory());
    capture.setName("log-capture");
    capture.start();
    root().addAppender(capture);
    return capture;
  }

  /** @return the events captured so far, in order */
  public List<ILoggingEvent> events() {
    return List.copyOf(events);
  }

  /** @return the events that carry a throwable (they would print a stack trace), as "logger: message: throwable" */
  public List<String> stackTraces() {
    return events.stream().filter(e -> e.getThrowableProxy() != null)
      .map(e -> e.getLoggerName() + ": " + e.getFormattedMessage() + ": " + describe(e.getThrowableProxy())).toList();
  }

  /**
   * @return the events whose throwable was thrown through GenApi's code (a frame in {@code dev.genapi}), as
   *   "logger: message: throwable"
   */
  public List<String> stackTracesThroughGenApi() {
    return events.stream().filter(e -> e.getThrowableProxy() != null && throughGenApi(e.getThrowableProxy()))
      .map(e -> e.getLoggerName() + ": " + e.getFormattedMessage() + ": " + describe(e.getThrowableProxy())).toList();
  }

  private static boolean throughGenApi(IThrowableProxy thrown) {
    StackTraceElementProxy[] frames = thrown.getStackTraceElementProxyArray();
    return frames != null && Arrays.stream(frames).anyMatch(f -> f.getSTEAsString().contains("dev.genapi."));
  }

  /**
   * Stops capturing, then fails when any event outside Hazelcast's own loggers carried a throwable. Hazelcast's are
   * left out: no client input reaches them, and its members log races of their own start-up with a stack trace
   * ("Migration operation is received before startup is completed").
   */
  public void closeAndAssertNoStackTraces() {
    close();
    org.assertj.core.api.Assertions.assertThat(stackTraces().stream().filter(line -> !line.startsWith("com.hazelcast.")))
      .as("stack traces in the gateway's log").isEmpty();
  }

  @Override
  protected void append(ILoggingEvent event) {
    event.prepareForDeferredProcessing();
    events.add(event);
  }

  @Override
  public void close() {
    root().detachAppender(this);
    stop();
  }

  private static Logger root() {
    return ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }

  private static String describe(IThrowableProxy thrown) {
    return thrown.getClassName() + ": " + thrown.getMessage();
  }
}
