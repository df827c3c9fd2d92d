package dev.genapi.testing;

import dev.genapi.cluster.ClusterOptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Certificates made by {@code scripts/dev-certs.sh}, as an operator makes them, into a directory of the test's. */
public final class DevCerts {

  private final Path dir;

  private DevCerts(Path dir) {
    this.dir = dir;
  }

  /**
   * Runs the script (up to 60 s) and fails when it does not succeed.
   *
   * @param dir where the CA and the member certificates go
   * @param members the member names
   * @return the certificates
   */
  public static DevCerts make(Path dir, String... members) {
    List<String> command = new ArrayList<>(List.of("scripts/dev-certs.sh", dir.toString()));
    command.addAll(List.of(members));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      boolean ended = process.waitFor(60, TimeUnit.SECONDS);
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!ended || process.exitValue() != 0) {
        process.destroyForcibly();
        throw new AssertionError("scripts/dev-certs.sh failed:\n" + output);
      }
      return new DevCerts(dir);
    } catch (IOException e) {
      throw new IllegalStateException("cannot run scripts/dev-certs.sh", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** @return a file of the directory */
  public Path file(String name) {
    return dir.resolve(name);
  }

  /**
   * @param options cluster options, left unchanged
   * @param member the member whose certificate and key to use
   * @return a copy of the options with event-bus TLS on, trusting this CA
   */
  public ClusterOptions tls(ClusterOptions options, String member) {
    return tls(options, member, file("ca.crt"));
  }

  /**
   * @param options cluster options, left unchanged
   * @param member the member whose certificate and key to use
   * @param trusted the PEM file of the CAs to trust (one or more certificates)
   * @return a copy of the options with event-bus TLS on, trusting those CAs
   */
  public ClusterOptions tls(ClusterOptions options, String member, Path trusted) {
    return new ClusterOptions(options.toJson()).setTlsCert(file(member + ".crt").toString())
      .setTlsKey(file(member + ".key").toString()).setTlsCa(trusted.toString());
  }
}
