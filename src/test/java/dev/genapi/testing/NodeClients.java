package dev.genapi.testing;

import io.vertx.core.json.JsonObject;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
    install();
    List<String> command = new ArrayList<>(List.of("node", script));
    command.addAll(List.of(args));
    String output = exec(command, 60);
    String[] lines = output.strip().split("\n");
    try {
      return new JsonObject(lines[lines.length - 1]);
    } catch (RuntimeException e) {
      throw new AssertionError("node " + script + " printed no JSON:\n" + output, e);
    }
  }

  private static synchronized void install() {
    if (!installed && !Files.isDirectory(DIR.resolve("node_modules").resolve("phoenix"))) {
      exec(List.of("npm", "ci", "--no-audit", "--no-fund"), 300);
    }
    installed = true;
  }

  private static String exec(List<String> command, long timeoutSeconds) {
    try {
      File log = File.createTempFile("genapi-node", ".log");
      log.deleteOnExit();
      Process process = new ProcessBuilder(command).directory(DIR.toFile()).redirectErrorStream(true)
        .redirectOutput(log).start();
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(command + " did not finish within " + timeoutSeconds + " s");
      }
      String output = Files.readString(log.toPath(), StandardCharsets.UTF_8);
      if (process.exitValue() != 0) {
        throw new AssertionError(command + " failed (" + process.exitValue() + "):\n" + output);
      }
      return output;
    } catch (IOException e) {
      throw new AssertionError("cannot run " + command + " (are node and npm installed?)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
