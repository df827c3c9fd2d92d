package dev.genapi.cluster;

import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code tls_cert}, {@code tls_key} and {@code tls_ca} settings of {@code cluster.json}. */
@DisplayName("Cluster TLS settings")
class ClusterTlsOptionsTest {

  @Test
  @DisplayName("are all read from JSON and written back")
  void roundTrip(@TempDir Path dir) throws Exception {
    String key = Files.writeString(dir.resolve("m.key"), "key").toString();
    String cert = Files.writeString(dir.resolve("m.crt"), "cert").toString();
    JsonObject json = new JsonObject().put("tls_cert", cert).put("tls_key", key).put("tls_ca", cert);
    ClusterOptions options = new ClusterOptions(json);
    assertThat(options.isTls()).isTrue();
    assertThat(options.toJson().getString("tls_key")).isEqualTo(key);
    assertThat(new ClusterOptions(options.toJson()).getTlsCa()).isEqualTo(cert);
    assertThat(new ClusterOptions(new JsonObject()).isTls()).isFalse();
  }

  @Test
  @DisplayName("refuse a certificate without its key and CA, naming what is missing")
  void partial() {
    assertThatThrownBy(() -> new ClusterOptions(new JsonObject().put("tls_cert", "/certs/m.crt")))
      .isInstanceOf(IllegalArgumentException.class)
      .hasMessage("cluster TLS needs tls_cert, tls_key and tls_ca together; missing: tls_key, tls_ca");
    assertThatThrownBy(() -> new ClusterOptions(new JsonObject().put("tls_cert", "a").put("tls_key", "b")
      .put("tls_ca", " "))).hasMessageEndingWith("missing: tls_ca");
  }

  @Test
  @DisplayName("refuse a file that cannot be read, naming the setting")
  void unreadable(@TempDir Path dir) throws Exception {
    String cert = Files.writeString(dir.resolve("m.crt"), "cert").toString();
    assertThatThrownBy(() -> new ClusterOptions(new JsonObject().put("tls_cert", cert).put("tls_key", dir.toString())
      .put("tls_ca", cert))).hasMessage("cluster tls_key: " + dir + " (expected: a readable PEM file)");
  }

  @Test
  @DisplayName("fail the start, before joining, when set fluently but incomplete or unreadable")
  void startRefused(@TempDir Path dir) throws Exception {
    ClusterOptions partial = new ClusterOptions().setTlsKey("/certs/m.key");
    assertThat(ClusterSupport.start(partial, new VertxOptions()).cause())
      .hasMessageEndingWith("missing: tls_cert, tls_ca");
    Path cert = Files.writeString(dir.resolve("m.crt"), "not a certificate");
    ClusterOptions absent = new ClusterOptions().setTlsCert(cert.toString())
      .setTlsKey(dir.resolve("absent.key").toString()).setTlsCa(cert.toString());
    assertThat(ClusterSupport.start(absent, new VertxOptions()).cause()).isInstanceOf(IllegalArgumentException.class)
      .hasMessage("cluster tls_key: " + dir.resolve("absent.key") + " (expected: a readable PEM file)");
  }
}
