package dev.genapi.gateway;

import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("TLS options for clients")
class ServerTlsOptionsTest {

  @TempDir
  Path dir;

  @Test
  @DisplayName("off without files; with both, TLS on and HTTP/2 offered before HTTP/1.1")
  void onWithBothFiles() throws IOException {
    assertThat(new ServerTlsOptions(new JsonObject()).isEnabled()).isFalse();
    assertThat(new ServerTlsOptions().applyTo(new HttpServerOptions()).isSsl()).isFalse();
    Path cert = Files.writeString(dir.resolve("gateway.crt"), "pem");
    Path key = Files.writeString(dir.resolve("gateway.key"), "pem");
    HttpServerOptions server = new ServerTlsOptions(new JsonObject().put("tls_cert", cert.toString())
      .put("tls_key", key.toString())).applyTo(new HttpServerOptions());
    assertThat(server.isSsl()).isTrue();
    assertThat(server.isUseAlpn()).isTrue();
    assertThat(server.getAlpnVersions()).containsExactly(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1);
  }

  @Test
  @DisplayName("one file without the other, or a file that cannot be read, is refused with the setting's name")
  void refused() throws IOException {
    Path cert = Files.writeString(dir.resolve("gateway.crt"), "pem");
    assertThatThrownBy(() -> new ServerTlsOptions().setCertPath(cert.toString()).applyTo(new HttpServerOptions()))
      .hasMessage("tls_cert and tls_key: both are needed for TLS (tls_key is missing)");
    assertThatThrownBy(() -> new ServerTlsOptions().setCertPath(cert.toString())
      .setKeyPath(dir.resolve("absent.key").toString()).applyTo(new HttpServerOptions()))
      .hasMessage("tls_key: " + dir.resolve("absent.key") + " (cannot read the file)");
  }
}
