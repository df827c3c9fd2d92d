package dev.genapi.launcher;

import dev.genapi.testing.JvmProcess;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A node started with only part of the event-bus TLS settings, or with a file that is not there. */
@DisplayName("A node with bad cluster TLS settings")
class ClusterTlsStartJvmTest {

  @Test
  @DisplayName("refuses to start, naming the missing settings, without a stack trace")
  void refused() {
    try (JvmProcess node = JvmProcess.launch(Map.of("GENAPI_CLUSTER_TLS_CERT", "/certs/node.crt"), "node",
      "--cluster-tls-ca", "/certs/ca.crt")) {
      List<String> output = node.output(60_000);
      assertThat(output).contains("genapi: cluster TLS needs tls_cert, tls_key and tls_ca together; missing: tls_key");
      assertThat(output).noneMatch(line -> line.startsWith("\tat "));
    }
  }

  @Test
  @DisplayName("refuses to start when a file cannot be read, naming it, without a stack trace")
  void unreadable() {
    try (JvmProcess node = JvmProcess.launch(Map.of("GENAPI_CLUSTER_TLS_CERT", "/absent/node.crt",
      "GENAPI_CLUSTER_TLS_KEY", "/absent/node.key", "GENAPI_CLUSTER_TLS_CA", "/absent/ca.crt"), "node")) {
      List<String> output = node.output(60_000);
      assertThat(output).contains("genapi: cluster tls_cert: /absent/node.crt (expected: a readable PEM file)");
      assertThat(output).noneMatch(line -> line.startsWith("\tat "));
    }
  }
}
