package dev.genapi.launcher;

import io.vertx.core.Future;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.List;

/**
 * The command line: {@code java -jar genapi.jar <gateway|node|all-in-one> [options]}.
 */
public final class Main {

  private static final List<String> ROLES = List.of("gateway", "node", "all-in-one");

  private Main() {
  }

  /**
   * @param args the role, then options
   */
  public static void main(String[] args) {
    if (args.length == 0 || !ROLES.contains(args[0])) {
      System.err.println("usage: java -jar genapi.jar <gateway|node|all-in-one> [options]\n\noptions:\n"
        + Settings.usage());
      System.exit(args.length == 1 && ("--help".equals(args[0]) || "-h".equals(args[0])) ? 0 : 2);
    }
    Future<Void> started;
    try {
      LogSetup.configure(System.getenv());
      started = Lifecycle.start(args[0], Settings.load(Arrays.asList(args).subList(1, args.length), System.getenv()));
    } catch (IllegalArgumentException e) {
      System.err.println("genapi: " + e.getMessage());
      System.exit(2);
      return;
    }
    started.onFailure(e -> {
      LoggerFactory.getLogger(Main.class).error("GenApi failed to start: {}", e.getMessage(), e);
      // not on the event loop that failed: the shutdown hook still needs it to close Vert.x
      new Thread(() -> System.exit(1), "genapi-exit").start();
    });
  }
}
