package dev.genapi.cluster;

import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.SSLEngineOptions;

/**
 * The TLS engine of every GenApi server and of the event bus: BoringSSL where netty-tcnative has it (linux-x86_64),
 * else the JDK's. With the JDK's, event-bus TLS cost a gateway 18 % more CPU per call, with BoringSSL about 3 %
 * (bench/RESULTS.md).
 */
public final class TlsEngines {

  private TlsEngines() {
  }

  /** @return the engine options to set on server or event-bus options that turn TLS on */
  public static SSLEngineOptions preferred() {
    return OpenSSLEngineOptions.isAvailable() ? new OpenSSLEngineOptions() : new JdkSSLEngineOptions();
  }
}
