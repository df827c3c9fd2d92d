package dev.genapi.gateway;

import dev.genapi.cluster.TlsEngines;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * TLS for the gateway's clients: {@code https} and {@code wss} on the client port (and the admin port, when there is
 * one) with a PEM certificate (chain) and its private key, HTTP/2 offered by ALPN next to HTTP/1.1. Off unless both
 * files are named. The JSON keys {@code tls_cert} and {@code tls_key} sit in {@code gateway.json}.
 */
public final class ServerTlsOptions {

  private String certPath;
  private String keyPath;

  /** TLS off. */
  public ServerTlsOptions() {
  }

  /** @param json keys {@code tls_cert} and {@code tls_key}: PEM file paths */
  public ServerTlsOptions(JsonObject json) {
    setCertPath(json.getString("tls_cert"));
    setKeyPath(json.getString("tls_key"));
  }

  /** @return the JSON form */
  public JsonObject toJson() {
    return new JsonObject().put("tls_cert", certPath).put("tls_key", keyPath);
  }

  /** @return whether clients connect over TLS */
  public boolean isEnabled() {
    return certPath != null || keyPath != null;
  }

  /** @return the PEM file of the server certificate, then its intermediates, or {@code null} */
  public String getCertPath() { return certPath; }

  /** @param path the certificate's PEM file @return a reference to this, so the API can be used fluently */
  public ServerTlsOptions setCertPath(String path) {
    this.certPath = path == null || path.isBlank() ? null : path;
    return this;
  }

  /** @return the PEM file of the certificate's private key (PKCS#8 or PKCS#1), or {@code null} */
  public String getKeyPath() { return keyPath; }

  /** @param path the private key's PEM file @return a reference to this, so the API can be used fluently */
  public ServerTlsOptions setKeyPath(String path) {
    this.keyPath = path == null || path.isBlank() ? null : path;
    return this;
  }

  /**
   * Turns TLS on in these server options, when enabled.
   *
   * @return the same options
   * @throws IllegalArgumentException when only one file is named, or one cannot be read
   */
  HttpServerOptions applyTo(HttpServerOptions server) {
    if (!isEnabled()) {
      return server;
    }
    readable("tls_cert", certPath);
    readable("tls_key", keyPath);
    return server.setSsl(true).setKeyCertOptions(new PemKeyCertOptions().setCertPath(certPath).setKeyPath(keyPath))
      .setUseAlpn(true).setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1))
      .setSslEngineOptions(TlsEngines.preferred());
  }

  private static void readable(String key, String path) {
    if (path == null) {
      throw new IllegalArgumentException("tls_cert and tls_key: both are needed for TLS (" + key + " is missing)");
    }
    if (!Files.isReadable(Path.of(path))) {
      throw new IllegalArgumentException(key + ": " + path + " (cannot read the file)");
    }
  }
}
