package dev.genapi.cluster;

import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a GenApi JVM joins its Hazelcast cluster. The defaults keep everything on loopback: TCP-IP discovery of
 * {@code 127.0.0.1}, no multicast, no cloud auto-detection, no phone-home.
 */
public final class ClusterOptions {

  /** Default cluster name. */
  public static final String DEFAULT_NAME = "genapi";
  /** Default address the cluster (Hazelcast and event bus) binds. */
  public static final String DEFAULT_HOST = "127.0.0.1";
  /** Default Hazelcast base port (not 5701, which other programs often hold). */
  public static final int DEFAULT_PORT = 15701;
  /** Default event-bus port: 0, any free port (set a fixed one where a firewall or NetworkPolicy lists it). */
  public static final int DEFAULT_EVENT_BUS_PORT = 0;
  /** Default number of event loops of the process's Vert.x: Vert.x's own, twice the cores. */
  public static final int DEFAULT_EVENT_LOOPS = VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE;
  /** Default number of ports tried from the base port. */
  public static final int DEFAULT_PORT_COUNT = 10;
  /** Default time without a heartbeat after which a member is declared gone, in seconds. */
  public static final int DEFAULT_HEARTBEAT_TIMEOUT_S = 10;
  /** Default interval between searches for another cluster to merge with after a split, in seconds. */
  public static final int DEFAULT_MERGE_DELAY_S = 10;
  /** Default number of backups of each registry, lease and settings entry (survives the loss of any one member). */
  public static final int DEFAULT_BACKUP_COUNT = 1;
  /** Default interval between full reads of the registry and settings maps, which repair lost entry events. */
  public static final long DEFAULT_RESYNC_INTERVAL_MS = 30_000;
  /** Discovery by a fixed list of TCP members. */
  public static final String MODE_TCP = "tcp";
  /** Discovery through a Kubernetes headless service. */
  public static final String MODE_KUBERNETES = "kubernetes";

  private String name = DEFAULT_NAME;
  private String host = DEFAULT_HOST;
  private int port = DEFAULT_PORT;
  private int portCount = DEFAULT_PORT_COUNT;
  private int eventBusPort = DEFAULT_EVENT_BUS_PORT;
  private int eventLoops = DEFAULT_EVENT_LOOPS;
  private List<String> members = new ArrayList<>(List.of(DEFAULT_HOST));
  private String mode = MODE_TCP;
  private String kubernetesServiceDns;
  private int heartbeatTimeoutS = DEFAULT_HEARTBEAT_TIMEOUT_S;
  private int mergeDelayS = DEFAULT_MERGE_DELAY_S;
  private int backupCount = DEFAULT_BACKUP_COUNT;
  private long resyncIntervalMs = DEFAULT_RESYNC_INTERVAL_MS;
  private String tlsCert;
  private String tlsKey;
  private String tlsCa;

  /** Default options. */
  public ClusterOptions() {
  }

  /**
   * @param json keys {@code name}, {@code host}, {@code port}, {@code port_count}, {@code event_bus_port},
   *             {@code event_loops}, {@code members} (list or comma-separated string), {@code mode},
   *             {@code kubernetes_service_dns}, {@code heartbeat_timeout_s}, {@code merge_delay_s},
   *             {@code backup_count}, {@code resync_interval_ms}, {@code tls_cert}, {@code tls_key}, {@code tls_ca}
   * @throws IllegalArgumentException on a bad value, when only some of the TLS settings are given, or when a TLS
   *     file cannot be read
   */
  public ClusterOptions(JsonObject json) {
    setName(json.getString("name", DEFAULT_NAME));
    setHost(json.getString("host", DEFAULT_HOST));
    setPort(json.getInteger("port", DEFAULT_PORT));
    setPortCount(json.getInteger("port_count", DEFAULT_PORT_COUNT));
    setEventBusPort(json.getInteger("event_bus_port", DEFAULT_EVENT_BUS_PORT));
    setEventLoops(json.getInteger("event_loops", DEFAULT_EVENT_LOOPS));
    Object list = json.getValue("members");
    if (list instanceof JsonArray array) {
      setMembers(array.stream().map(String::valueOf).toList());
    } else if (list instanceof String csv) {
      setMembers(List.of(csv.split("\\s*,\\s*")));
    }
    setMode(json.getString("mode", MODE_TCP));
    setKubernetesServiceDns(json.getString("kubernetes_service_dns"));
    setHeartbeatTimeoutS(json.getInteger("heartbeat_timeout_s", DEFAULT_HEARTBEAT_TIMEOUT_S));
    setMergeDelayS(json.getInteger("merge_delay_s", DEFAULT_MERGE_DELAY_S));
    setBackupCount(json.getInteger("backup_count", DEFAULT_BACKUP_COUNT));
    setResyncIntervalMs(json.getLong("resync_interval_ms", DEFAULT_RESYNC_INTERVAL_MS));
    setTlsCert(json.getString("tls_cert"));
    setTlsKey(json.getString("tls_key"));
    setTlsCa(json.getString("tls_ca"));
    checkTls();
  }

  /** @return the JSON form */
  public JsonObject toJson() {
    return new JsonObject().put("name", name).put("host", host).put("port", port).put("port_count", portCount)
      .put("event_bus_port", eventBusPort).put("event_loops", eventLoops).put("members", new JsonArray(members))
      .put("mode", mode)
      .put("kubernetes_service_dns", kubernetesServiceDns).put("heartbeat_timeout_s", heartbeatTimeoutS)
      .put("merge_delay_s", mergeDelayS).put("backup_count", backupCount).put("resync_interval_ms", resyncIntervalMs)
      .put("tls_cert", tlsCert).put("tls_key", tlsKey).put("tls_ca", tlsCa);
  }

  /** @return the cluster name: only members with the same name join */
  public String getName() { return name; }

  /** @param name the cluster name @return a reference to this, so the API can be used fluently */
  public ClusterOptions setName(String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("name: '" + name + "' (expected: non-empty)");
    }
    this.name = name;
    return this;
  }

  /**
   * @return the address Hazelcast and the event bus bind and announce to the other members, in every mode (a pod's
   *   own IP in Kubernetes), never every interface
   */
  public String getHost() { return host; }

  /** @param host an IP address of this machine @return a reference to this, so the API can be used fluently */
  public ClusterOptions setHost(String host) {
    this.host = host;
    return this;
  }

  /** @return the Hazelcast base port */
  public int getPort() { return port; }

  /** @param port the Hazelcast base port @return a reference to this, so the API can be used fluently */
  public ClusterOptions setPort(int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
    }
    this.port = port;
    return this;
  }

  /** @return how many ports from the base port are tried */
  public int getPortCount() { return portCount; }

  /** @param portCount ports tried from the base @return a reference to this, so the API can be used fluently */
  public ClusterOptions setPortCount(int portCount) {
    if (portCount < 1) {
      throw new IllegalArgumentException("portCount: " + portCount + " (expected: > 0)");
    }
    this.portCount = portCount;
    return this;
  }

  /** @return the event-bus port, 0 for any free port */
  public int getEventBusPort() { return eventBusPort; }

  /** @param port the event-bus port (0: any free port) @return a reference to this, so the API can be used fluently */
  public ClusterOptions setEventBusPort(int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("eventBusPort: " + port + " (expected: 0..65535)");
    }
    this.eventBusPort = port;
    return this;
  }

  /** @return the number of event loops of the process's Vert.x (connections, the event bus, timers) */
  public int getEventLoops() { return eventLoops; }

  /** @param eventLoops the process's Vert.x event loops @return a reference to this, so the API can be used fluently */
  public ClusterOptions setEventLoops(int eventLoops) {
    if (eventLoops < 1) {
      throw new IllegalArgumentException("eventLoops: " + eventLoops + " (expected: > 0)");
    }
    this.eventLoops = eventLoops;
    return this;
  }

  /** @return the TCP-IP members (hosts, optionally {@code host:port}) */
  public List<String> getMembers() { return members; }

  /** @param members the TCP-IP members @return a reference to this, so the API can be used fluently */
  public ClusterOptions setMembers(List<String> members) {
    this.members = new ArrayList<>(members);
    return this;
  }

  /** @return {@value #MODE_TCP} or {@value #MODE_KUBERNETES} */
  public String getMode() { return mode; }

  /** @param mode the discovery mode @return a reference to this, so the API can be used fluently */
  public ClusterOptions setMode(String mode) {
    if (!MODE_TCP.equals(mode) && !MODE_KUBERNETES.equals(mode)) {
      throw new IllegalArgumentException("mode: " + mode + " (expected: tcp or kubernetes)");
    }
    this.mode = mode;
    return this;
  }

  /** @return the headless service DNS name used in Kubernetes mode */
  public String getKubernetesServiceDns() { return kubernetesServiceDns; }

  /** @param dns the headless service DNS name @return a reference to this, so the API can be used fluently */
  public ClusterOptions setKubernetesServiceDns(String dns) {
    this.kubernetesServiceDns = dns;
    return this;
  }

  /** @return how long a member may send no heartbeat (one a second) before the others declare it gone, in seconds */
  public int getHeartbeatTimeoutS() { return heartbeatTimeoutS; }

  /** @param seconds the heartbeat timeout @return a reference to this, so the API can be used fluently */
  public ClusterOptions setHeartbeatTimeoutS(int seconds) {
    if (seconds < 3) {
      throw new IllegalArgumentException("heartbeatTimeoutS: " + seconds + " (expected: >= 3)");
    }
    this.heartbeatTimeoutS = seconds;
    return this;
  }

  /** @return how often the members of a split cluster look for the other part to merge with, in seconds */
  public int getMergeDelayS() { return mergeDelayS; }

  /** @param seconds the merge search interval @return a reference to this, so the API can be used fluently */
  public ClusterOptions setMergeDelayS(int seconds) {
    if (seconds < 1) {
      throw new IllegalArgumentException("mergeDelayS: " + seconds + " (expected: >= 1)");
    }
    this.mergeDelayS = seconds;
    return this;
  }

  /** @return how many other members hold a copy of each registry, lease and settings entry (leases: asynchronous) */
  public int getBackupCount() { return backupCount; }

  /** @param backupCount the synchronous backups @return a reference to this, so the API can be used fluently */
  public ClusterOptions setBackupCount(int backupCount) {
    if (backupCount < 0 || backupCount > 6) {
      throw new IllegalArgumentException("backupCount: " + backupCount + " (expected: 0..6)");
    }
    this.backupCount = backupCount;
    return this;
  }

  /**
   * @return how often a gateway reads its copies of the cluster's function and settings maps again in full, in
   *     milliseconds: entry events are best effort, and one lost on a troubled network is repaired within this
   */
  public long getResyncIntervalMs() { return resyncIntervalMs; }

  /** @param ms the full-read interval @return a reference to this, so the API can be used fluently */
  public ClusterOptions setResyncIntervalMs(long ms) {
    if (ms < 1000) {
      throw new IllegalArgumentException("resyncIntervalMs: " + ms + " (expected: >= 1000)");
    }
    this.resyncIntervalMs = ms;
    return this;
  }

  /** @return the PEM certificate (chain) this member presents on the event bus, or null */
  public String getTlsCert() { return tlsCert; }

  /** @param path a PEM certificate file, or null @return a reference to this, so the API can be used fluently */
  public ClusterOptions setTlsCert(String path) {
    this.tlsCert = blankToNull(path);
    return this;
  }

  /** @return the PEM private key (PKCS#8 or PKCS#1) of {@link #getTlsCert()}, or null */
  public String getTlsKey() { return tlsKey; }

  /** @param path a PEM private key file, or null @return a reference to this, so the API can be used fluently */
  public ClusterOptions setTlsKey(String path) {
    this.tlsKey = blankToNull(path);
    return this;
  }

  /** @return the PEM CA certificate(s) a peer's certificate must chain to, or null */
  public String getTlsCa() { return tlsCa; }

  /** @param path a PEM CA certificate file, or null @return a reference to this, so the API can be used fluently */
  public ClusterOptions setTlsCa(String path) {
    this.tlsCa = blankToNull(path);
    return this;
  }

  /** @return true when event-bus TLS with mutual authentication is configured */
  public boolean isTls() {
    return tlsCert != null || tlsKey != null || tlsCa != null;
  }

  /**
   * Checks that the TLS settings are all given or all absent, and that the files they name can be read.
   *
   * @throws IllegalArgumentException naming the missing settings when only some are given, or the unreadable file
   */
  public void checkTls() {
    if (!isTls()) {
      return;
    }
    List<String> missing = new ArrayList<>();
    Map<String, String> files = new LinkedHashMap<>();
    files.put("tls_cert", tlsCert);
    files.put("tls_key", tlsKey);
    files.put("tls_ca", tlsCa);
    files.forEach((setting, path) -> {
      if (path == null) {
        missing.add(setting);
      }
    });
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException("cluster TLS needs tls_cert, tls_key and tls_ca together; missing: "
        + String.join(", ", missing));
    }
    files.forEach((setting, path) -> {
      if (!Files.isReadable(Path.of(path)) || Files.isDirectory(Path.of(path))) {
        throw new IllegalArgumentException("cluster " + setting + ": " + path + " (expected: a readable PEM file)");
      }
    });
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }
}
