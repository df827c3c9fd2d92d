package dev.genapi.it;

import dev.genapi.testing.DevCerts;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code scripts/dev-certs.sh}: a development CA and member certificates for event-bus TLS. */
@DisplayName("The development certificates script")
class DevCertsScriptTest {

  @Test
  @DisplayName("makes a CA and member certificates it signed, for 127.0.0.1 and localhost, with private keys")
  void makesCertificates(@TempDir Path dir) throws Exception {
    DevCerts certs = DevCerts.make(dir.resolve("certs"), "gateway-1", "node-1");
    X509Certificate ca = read(certs.file("ca.crt"));
    for (String member : List.of("gateway-1", "node-1")) {
      X509Certificate cert = read(certs.file(member + ".crt"));
      cert.verify(ca.getPublicKey());
      assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=" + member);
      assertThat(cert.getSubjectAlternativeNames()).containsExactlyInAnyOrder(List.of(7, "127.0.0.1"),
        List.of(2, "localhost"));
      assertThat(cert.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(certs.file(member + ".key"))))
        .isEqualTo("rw-------");
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(certs.file("ca.key"))))
      .isEqualTo("rw-------");
    DevCerts.make(dir.resolve("certs"), "node-2");
    read(certs.file("node-2.crt")).verify(ca.getPublicKey());
  }

  @Test
  @DisplayName("refuses a member name that is not a plain file name")
  void badName(@TempDir Path dir) {
    assertThatThrownBy(() -> DevCerts.make(dir, "../escape")).hasMessageContaining("bad member name '../escape'");
    assertThat(dir.resolve("../escape.key")).doesNotExist();
  }

  private static X509Certificate read(Path file) throws Exception {
    try (InputStream in = Files.newInputStream(file)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }
}
