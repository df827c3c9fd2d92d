package dev.genapi.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A GenApi launcher role running in its own JVM, started from the test class path; its output is kept so tests can
 * wait for log lines, and written to {@code target/jvm-logs/<role>-<pid>.log} to read after a failure.
 */
public final class JvmProcess implements AutoCloseable {

  private final Process process;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final List<String> seen = new ArrayList<>();
  private final Thread reader;

  private static final Path LOGS = Path.of("target", "jvm-logs");
  /** How often {@link #awaitLine} looks whether the output has ended. */
  private static final long OUTPUT_CHECK_MS = 200;

  private JvmProcess(Process process, String role) {
    this.process = process;
    reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
             StandardCharsets.UTF_8));
           Writer log = Files.newBufferedWriter(LOGS.resolve(role + "-" + process.pid() + ".log"))) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          lines.add(line);
          log.write(line + "\n");
          log.flush();
        }
      } catch (IOException ignored) {
        // the process ended
      }
    }, "jvm-output");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * @param role {@code gateway}, {@code node} or {@code all-in-one}
   * @param options launcher options
   * @return the started process
   */
  public static JvmProcess launch(String role, String... options) {
    return launch(Map.of(), role, options);
  }

  /**
   * @param env environment variables for the process, beside the test's own (less its {@code GENAPI_*} ones)
   * @param role {@code gateway}, {@code node} or {@code all-in-one}
   * @param options launcher options
   * @return the started process
   */
  public static JvmProcess launch(Map<String, String> env, String role, String... options) {
    List<String> command = new ArrayList<>(List.of(
      Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-XX:+UseSerialGC",
      "-XX:TieredStopAtLevel=1",
      // pauses, to tell a JVM that stalled from one that was cut off when a cluster test fails
      "-Xlog:gc,safepoint:file=" + LOGS.resolve(role + "-%p-gc.log") + ":uptime,time",
      "-Djava.net.preferIPv4Stack=true", "-Dhazelcast.phone.home.enabled=false",
      "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
      "-cp", System.getProperty("java.class.path"), "dev.genapi.launcher.Main", role));
    command.addAll(List.of(options));
    try {
      Files.createDirectories(LOGS);
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      builder.environment().keySet().removeIf(name -> name.startsWith("GENAPI_"));
      builder.environment().putAll(env);
      return new JvmProcess(builder.start(), role);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + role, e);
    }
  }

  /**
   * Waits for a line of output that contains the text; fails at once when the output has ended without it.
   *
   * @return the line
   */
  public String awaitLine(String text, long timeoutMs) {
    long end = System.currentTimeMillis() + timeoutMs;
    try {
      while (System.currentTimeMillis() < end) {
        String line = lines.poll(Math.max(1, Math.min(OUTPUT_CHECK_MS, end - System.currentTimeMillis())),
          TimeUnit.MILLISECONDS);
        if (line != null) {
          seen.add(line);
          if (line.contains(text)) {
            return line;
          }
        } else if (!reader.isAlive() && lines.isEmpty()) {
          String state = process.isAlive() ? "still running" : "exit code " + process.exitValue();
          throw new AssertionError("the output ended (" + state + ") with no line containing '" + text
            + "'; all of it:\n" + String.join("\n", seen));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    throw new AssertionError("no line containing '" + text + "' within " + timeoutMs + " ms; output so far:\n"
      + String.join("\n", seen));
  }

  /**
   * Asks the process to stop (SIGTERM), as an orchestrator does.
   *
   * @return whether it ended within the time
   */
  public boolean terminate(long timeoutMs) {
    // through the handle: Process.destroy() would also close our end of the output, losing the shutdown's lines
    process.toHandle().destroy();
    try {
      return process.waitFor(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Waits until the process has ended and its output is read to the end.
   *
   * @return every line it wrote, those {@link #awaitLine} went through included
   */
  public List<String> output(long timeoutMs) {
    try {
      reader.join(timeoutMs);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (reader.isAlive()) {
      throw new AssertionError("the process did not end within " + timeoutMs + " ms");
    }
    lines.drainTo(seen);
    return List.copyOf(seen);
  }

  /** Kills the process at once (SIGKILL) and waits for it to end. */
  public void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Freezes the process (SIGSTOP): it holds its sockets but answers nothing, as a JVM in a long pause. */
  public void freeze() {
    signal("STOP");
  }

  /** Resumes a frozen process (SIGCONT). */
  public void thaw() {
    signal("CONT");
  }

  /** @return every line of output so far that contains the text */
  public List<String> linesContaining(String text) {
    lines.drainTo(seen);
    return seen.stream().filter(line -> line.contains(text)).toList();
  }

  private void signal(String name) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot signal " + process.pid(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    kill();
  }
}
