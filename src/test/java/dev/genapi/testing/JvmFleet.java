package dev.genapi.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The GenApi JVMs of one test class: each is launched with the options they share (the cluster's name and port, a
 * conf folder) and an environment, and all are killed at the end.
 */
public final class JvmFleet implements AutoCloseable {

  private final Map<String, String> env;
  private final List<String> shared;
  private final List<JvmProcess> processes = new CopyOnWriteArrayList<>();

  /**
   * @param env the environment of every JVM (a secret, say)
   * @param sharedOptions the options every JVM gets before its own
   */
  public JvmFleet(Map<String, String> env, String... sharedOptions) {
    this.env = env;
    this.shared = List.of(sharedOptions);
  }

  /** Launches {@code Main <role>} with the shared options, then these. */
  public JvmProcess launch(String role, String... options) {
    return launch(env, role, options);
  }

  /** Launches {@code Main <role>} with this environment instead of the fleet's. */
  public JvmProcess launch(Map<String, String> processEnv, String role, String... options) {
    List<String> all = new ArrayList<>(shared);
    all.addAll(List.of(options));
    JvmProcess process = JvmProcess.launch(processEnv, role, all.toArray(String[]::new));
    processes.add(process);
    return process;
  }

  /** Kills every JVM launched. */
  @Override
  public void close() {
    processes.forEach(JvmProcess::kill);
  }
}
