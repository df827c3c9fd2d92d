package dev.genapi.testing;

import io.vertx.core.json.JsonObject;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
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
 * Runs the real npm clients of {@code src/test/node} under Node: installs them with npm the first time (from the
 * lock file), then runs a script, bounded in time, and reads the JSON line it prints last.
 */
public final class NodeClients {

  private static final Path DIR = Path.of("src", "test", "node");
  private static boolean installed;

  private NodeClients() {
  }

  /**
   * @param script a script of {@code src/test/node}
   * @param args its arguments
   * @return the last line it printed, as JSON
   */
  public static JsonObject run(String script, String... args) {
    return run(Map.of(), script, args);
  }

  /**
   * @param env variables added to the script's environment ({@code NODE_EXTRA_CA_CERTS}, say)
   * @param script a script of {@code src/test/node}
   * @param args its arguments
   * @return the last line it printed, as JSON
   */
  public static JsonObject run(Map<String, String> env, String script, String... args) {
    install();
    List<String> command = new ArrayList<>(List.of("node", script));
    command.addAll(List.of(args));
    String output = exec(command, env, 60);
    String[] lines = output.strip().split("\n");
    try {
      return new JsonObject(lines[lines.length - 1]);
    } catch (RuntimeException e) {
      throw new AssertionError("node " + script + " printed no JSON:\n" + output, e);
    }
  }

  /**
   * Starts a script of {@code src/test/node} in the background, for clients that must run while the test acts.
   *
   * @param script a script of {@code src/test/node}
   * @param args its arguments
   * @return the running script
   */
  public static Background start(String script, String... args) {
    install();
    List<String> command = new ArrayList<>(List.of("node", script));
    command.addAll(List.of(args));
    return startIn(DIR, command);
  }

  /**
   * Starts a command in the background in a directory (a Node program of another npm package, say).
   *
   * @return the running command
   */
  public static Background startIn(Path dir, List<String> command) {
    try {
      return new Background(new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start());
    } catch (IOException e) {
      throw new AssertionError("cannot run " + command + " (are node and npm installed?)", e);
    }
  }

  /** A script running in the background: its output lines, as they come, and the JSON line it prints last. */
  public static final class Background {
    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();
    private final Thread reader;

    private Background(Process process) {
      this.process = process;
      this.reader = new Thread(() -> {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
          StandardCharsets.UTF_8))) {
          for (String line = in.readLine(); line != null; line = in.readLine()) {
            lines.add(line);
          }
        } catch (IOException ignored) {
          // the script ended
        }
      }, "node-output");
      reader.setDaemon(true);
      reader.start();
    }

    /** Waits for a line of output equal to the text. */
    public void awaitLine(String text, long timeoutMs) {
      long end = System.currentTimeMillis() + timeoutMs;
      while (System.currentTimeMillis() < end) {
        String line = poll(end);
        if (line != null && line.strip().equals(text)) {
          return;
        }
      }
      process.destroyForcibly();
      throw new AssertionError("no line '" + text + "' within " + timeoutMs + " ms; output so far:\n"
        + String.join("\n", seen));
    }

    /** @return the last line the script printed, as JSON, once it ended (killed after the time) */
    public JsonObject result(long timeoutMs) {
      long end = System.currentTimeMillis() + timeoutMs;
      while (process.isAlive() && System.currentTimeMillis() < end) {
        poll(end);
      }
      if (process.isAlive()) {
        process.destroyForcibly();
        throw new AssertionError("the script did not end within " + timeoutMs + " ms:\n" + String.join("\n", seen));
      }
      try {
        reader.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      lines.drainTo(seen);
      List<String> printed = seen.stream().filter(line -> !line.isBlank()).toList();
      try {
        return new JsonObject(printed.get(printed.size() - 1));
      } catch (RuntimeException e) {
        throw new AssertionError("the script printed no JSON:\n" + String.join("\n", seen), e);
      }
    }

    private String poll(long end) {
      try {
        String line = lines.poll(Math.max(1, Math.min(100, end - System.currentTimeMillis())), TimeUnit.MILLISECONDS);
        if (line != null) {
          seen.add(line);
        }
        return line;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  private static synchronized void install() {
    if (!installed && !Files.isDirectory(DIR.resolve("node_modules").resolve("phoenix"))) {
      exec(List.of("npm", "ci", "--no-audit", "--no-fund"), Map.of(), 300);
    }
    installed = true;
  }

  private static String exec(List<String> command, Map<String, String> env, long timeoutSeconds) {
    Ran ran = runIn(DIR, command, env, timeoutSeconds);
    if (ran.exitCode() != 0) {
      throw new AssertionError(command + " failed (" + ran.exitCode() + "):\n" + ran.output());
    }
    return ran.output();
  }

  /** What a command printed (standard output and error) and its exit code. */
  public record Ran(int exitCode, String output) {
  }

  /**
   * Runs a command in a directory, bounded in time, whatever its exit code.
   *
   * @return its exit code and output
   */
  public static Ran runIn(Path dir, List<String> command, Map<String, String> env, long timeoutSeconds) {
    try {
      File log = File.createTempFile("genapi-node", ".log");
      log.deleteOnExit();
      ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(log);
      builder.environment().putAll(env);
      Process process = builder.start();
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(command + " did not finish within " + timeoutSeconds + " s");
      }
      return new Ran(process.exitValue(), Files.readString(log.toPath(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new AssertionError("cannot run " + command + " (are node and npm installed?)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
