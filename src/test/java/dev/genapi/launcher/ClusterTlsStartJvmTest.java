package dev.genapi.launcher;

import dev.genapi.testing.JvmProcess;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A node started with only part of the event-bus TLS settings. */
@DisplayName("A node with incomplete cluster TLS settings")
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
}
