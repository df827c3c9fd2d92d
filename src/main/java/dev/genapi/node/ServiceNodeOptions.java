package dev.genapi.node;

import io.vertx.core.json.JsonObject;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Options of a {@link ServiceNode}.
 */
public final class ServiceNodeOptions {

  /** Default lease renewal interval, in milliseconds. */
  public static final long DEFAULT_LEASE_RENEW_MS = 1000;
  /** Default interval between checks that the registry still knows this node's services, in milliseconds. */
  public static final long DEFAULT_VERIFY_INTERVAL_MS = 5000;
  /** Default first delay between push attempts while no gateway accepts, in milliseconds (doubled up to 10 s). */
  public static final long DEFAULT_PUSH_RETRY_MS = 500;
  /** Default time a finished call's answer is kept for repeats of the call, in milliseconds. */
  public static final long DEFAULT_DUPLICATE_WINDOW_MS = 5000;
  /** Default bound on the memory of the answers kept for repeats, in bytes (4 MiB). */
  public static final long DEFAULT_DUPLICATE_WINDOW_MAX_BYTES = 4L << 20;

  private String name = defaultName();
  private String configVersion;
  private String pushToken;
  private long leaseRenewMs = DEFAULT_LEASE_RENEW_MS;
  private long pushRetryMs = DEFAULT_PUSH_RETRY_MS;
  private long verifyIntervalMs = DEFAULT_VERIFY_INTERVAL_MS;
  private boolean pushOnStart = true;
  private long duplicateWindowMs = DEFAULT_DUPLICATE_WINDOW_MS;
  private long duplicateWindowMaxBytes = DEFAULT_DUPLICATE_WINDOW_MAX_BYTES;

  /** Default options. */
  public ServiceNodeOptions() {
  }

  /**
   * @param json keys {@code name}, {@code config_version}, {@code push_token}, {@code lease_renew_ms},
   *             {@code push_retry_ms}, {@code verify_interval_ms}, {@code push_on_start}, {@code duplicate_window_ms},
   *             {@code duplicate_window_max_bytes}
   */
  public ServiceNodeOptions(JsonObject json) {
    setName(json.getString("name", name));
    setConfigVersion(json.getString("config_version"));
    setPushToken(json.getString("push_token"));
    setLeaseRenewMs(json.getLong("lease_renew_ms", DEFAULT_LEASE_RENEW_MS));
    setPushRetryMs(json.getLong("push_retry_ms", DEFAULT_PUSH_RETRY_MS));
    setVerifyIntervalMs(json.getLong("verify_interval_ms", DEFAULT_VERIFY_INTERVAL_MS));
    setPushOnStart(json.getBoolean("push_on_start", true));
    setDuplicateWindowMs(json.getLong("duplicate_window_ms", DEFAULT_DUPLICATE_WINDOW_MS));
    setDuplicateWindowMaxBytes(json.getLong("duplicate_window_max_bytes", DEFAULT_DUPLICATE_WINDOW_MAX_BYTES));
  }

  /** @return the JSON form */
  public JsonObject toJson() {
    return new JsonObject().put("name", name).put("config_version", configVersion).put("push_token", pushToken)
      .put("lease_renew_ms", leaseRenewMs).put("push_retry_ms", pushRetryMs)
      .put("verify_interval_ms", verifyIntervalMs).put("push_on_start", pushOnStart)
      .put("duplicate_window_ms", duplicateWindowMs).put("duplicate_window_max_bytes", duplicateWindowMaxBytes);
  }

  /** @return the host name and process id, e.g. {@code host-1234} */
  public static String defaultName() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "node";
    }
    return host + "-" + ManagementFactory.getRuntimeMXBean().getPid();
  }

  /** @return the stable node name; the node consumes on {@code genapi.node.<name>} */
  public String getName() { return name; }

  /** @param name the node name @return a reference to this, so the API can be used fluently */
  public ServiceNodeOptions setName(String name) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("name: '" + name + "' (expected: non-empty)");
    }
    this.name = name;
    return this;
  }

  /** @return the pushed {@code config_version}, or {@code null} to derive it from the FunConfigs' content */
  public String getConfigVersion() { return configVersion; }

  /** @param configVersion the configuration version @return a reference to this, so the API can be used fluently */
  public ServiceNodeOptions setConfigVersion(String configVersion) {
    this.configVersion = configVersion;
    return this;
  }

  /** @return the token sent with pushes, or {@code null} */
  public String getPushToken() { return pushToken; }

  /** @param pushToken the push token @return a reference to this, so the API can be used fluently */
  public ServiceNodeOptions setPushToken(String pushToken) {
    this.pushToken = pushToken;
    return this;
  }

  /** @return the lease renewal interval in milliseconds */
  public long getLeaseRenewMs() { return leaseRenewMs; }

  /** @param leaseRenewMs the renewal interval @return a reference to this, so the API can be used fluently */
  public ServiceNodeOptions setLeaseRenewMs(long leaseRenewMs) {
    if (leaseRenewMs < 100) {
      throw new IllegalArgumentException("leaseRenewMs: " + leaseRenewMs + " (expected: >= 100)");
    }
    this.leaseRenewMs = leaseRenewMs;
    return this;
  }

  /** @return the first delay between push attempts in milliseconds */
  public long getPushRetryMs() { return pushRetryMs; }

  /** @param pushRetryMs the first retry delay @return a reference to this, so the API can be used fluently */
  public ServiceNodeOptions setPushRetryMs(long pushRetryMs) {
    if (pushRetryMs < 10) {
      throw new IllegalArgumentException("pushRetryMs: " + pushRetryMs + " (expected: >= 10)");
    }
    this.pushRetryMs = pushRetryMs;
    return this;
  }

  /** @return the interval between checks that the registry still knows this node's services, in milliseconds */
  public long getVerifyIntervalMs() { return verifyIntervalMs; }

  /** @param verifyIntervalMs the check interval @return a reference to this, so the API can be used fluently */
  public ServiceNodeOptions setVerifyIntervalMs(long verifyIntervalMs) {
    if (verifyIntervalMs < 100) {
      throw new IllegalArgumentException("verifyIntervalMs: " + verifyIntervalMs + " (expected: >= 100)");
    }
    this.verifyIntervalMs = verifyIntervalMs;
    return this;
  }

  /** @return whether the node pushes its FunConfigs when it starts (false: gateways pull them) */
  public boolean isPushOnStart() { return pushOnStart; }

  /** @param pushOnStart push at start @return a reference to this, so the API can be used fluently */
  public ServiceNodeOptions setPushOnStart(boolean pushOnStart) {
    this.pushOnStart = pushOnStart;
    return this;
  }

  /**
   * @return how long a finished call's answer is kept, in milliseconds: a repeat of the call (same caller, function,
   *   request_id and args) arriving within it gets that answer instead of running the function again; 0 turns
   *   repeat detection off
   */
  public long getDuplicateWindowMs() { return duplicateWindowMs; }

  /** @param duplicateWindowMs the window, 0 for none @return a reference to this, so the API can be used fluently */
  public ServiceNodeOptions setDuplicateWindowMs(long duplicateWindowMs) {
    if (duplicateWindowMs < 0) {
      throw new IllegalArgumentException("duplicateWindowMs: " + duplicateWindowMs + " (expected: >= 0)");
    }
    this.duplicateWindowMs = duplicateWindowMs;
    return this;
  }

  /**
   * @return about how many bytes the answers kept for repeats may take; past it the oldest are dropped before their
   *   window ends
   */
  public long getDuplicateWindowMaxBytes() { return duplicateWindowMaxBytes; }

  /** @param maxBytes the bound, in bytes @return a reference to this, so the API can be used fluently */
  public ServiceNodeOptions setDuplicateWindowMaxBytes(long maxBytes) {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("duplicateWindowMaxBytes: " + maxBytes + " (expected: >= 0)");
    }
    this.duplicateWindowMaxBytes = maxBytes;
    return this;
  }
}
