package dev.genapi.launcher;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every launcher setting, read from three places: a conf file ({@code conf/gateway.json}, {@code conf/node.json},
 * {@code conf/cluster.json}), an environment variable, and a command-line flag. A flag beats the variable, which beats
 * the file; what none sets keeps the options' default. Secrets (tokens, the JWT secret) have no flag, as anyone who can
 * list processes reads a command line: they come from the file, the variable, or a file named by the variable with
 * {@code _FILE} appended (a mounted Kubernetes Secret, say).
 */
final class Settings {

  private enum Type { STRING, INT, BOOL, LIST, SECRET, SECRET_MAP }

  private record Setting(String file, String key, String env, String flag, Type type) {
    boolean secret() {
      return type == Type.SECRET || type == Type.SECRET_MAP;
    }
  }

  private static final List<Setting> TABLE = List.of(
    new Setting("gateway", "http_port", "GENAPI_HTTP_PORT", "--http-port", Type.INT),
    new Setting("gateway", "host", "GENAPI_HTTP_HOST", "--http-host", Type.STRING),
    new Setting("gateway", "admin_port", "GENAPI_ADMIN_PORT", "--admin-port", Type.INT),
    new Setting("gateway", "instances", "GENAPI_GATEWAY_INSTANCES", "--instances", Type.INT),
    new Setting("gateway", "max_payload_bytes", "GENAPI_MAX_PAYLOAD_BYTES", "--max-payload-bytes", Type.INT),
    new Setting("gateway", "detail_errors", "GENAPI_DETAIL_ERRORS", "--detail-errors", Type.BOOL),
    new Setting("gateway", "allowed_origins", "GENAPI_ALLOWED_ORIGINS", "--allowed-origins", Type.LIST),
    new Setting("gateway", "trusted_proxies", "GENAPI_TRUSTED_PROXIES", "--trusted-proxies", Type.LIST),
    new Setting("gateway", "admin_token", "GENAPI_ADMIN_TOKEN", "--admin-token", Type.SECRET),
    new Setting("gateway", "auth_mode", "GENAPI_AUTH_MODE", "--auth-mode", Type.STRING),
    new Setting("gateway", "jwt_secret", "GENAPI_JWT_SECRET", "--jwt-secret", Type.SECRET),
    new Setting("gateway", "jwt_public_key", "GENAPI_JWT_PUBLIC_KEY", "--jwt-public-key", Type.STRING),
    new Setting("gateway", "jwt_roles_claim", "GENAPI_JWT_ROLES_CLAIM", "--jwt-roles-claim", Type.STRING),
    new Setting("gateway", "jwt_require_exp", "GENAPI_JWT_REQUIRE_EXP", "--jwt-require-exp", Type.BOOL),
    new Setting("gateway", "jwt_issuer", "GENAPI_JWT_ISSUER", "--jwt-issuer", Type.STRING),
    new Setting("gateway", "jwt_audience", "GENAPI_JWT_AUDIENCE", "--jwt-audience", Type.LIST),
    new Setting("gateway", "jwt_leeway_s", "GENAPI_JWT_LEEWAY_S", "--jwt-leeway-s", Type.INT),
    new Setting("gateway", "push_token", "GENAPI_PUSH_TOKEN", "--push-token", Type.SECRET),
    new Setting("gateway", "push_tokens", "GENAPI_PUSH_TOKENS", "--push-tokens", Type.SECRET_MAP),
    new Setting("gateway", "drain_timeout_ms", "GENAPI_DRAIN_TIMEOUT_MS", "--drain-timeout-ms", Type.INT),
    new Setting("gateway", "drain_reconnect_spread_ms", "GENAPI_DRAIN_RECONNECT_SPREAD_MS",
      "--drain-reconnect-spread-ms", Type.INT),
    new Setting("gateway", "tls_cert", "GENAPI_TLS_CERT", "--tls-cert", Type.STRING),
    new Setting("gateway", "tls_key", "GENAPI_TLS_KEY", "--tls-key", Type.STRING),
    new Setting("gateway", "latency_buckets_ms", "GENAPI_LATENCY_BUCKETS_MS", "--latency-buckets-ms", Type.LIST),
    new Setting("gateway", "mcp_max_sessions", "GENAPI_MCP_MAX_SESSIONS", "--mcp-max-sessions", Type.INT),
    new Setting("gateway", "mcp_session_idle_ms", "GENAPI_MCP_SESSION_IDLE_MS", "--mcp-session-idle-ms", Type.INT),
    new Setting("node", "push_token", "GENAPI_PUSH_TOKEN", "--push-token", Type.SECRET),
    new Setting("cluster", "name", "GENAPI_CLUSTER_NAME", "--cluster-name", Type.STRING),
    new Setting("cluster", "host", "GENAPI_CLUSTER_HOST", "--cluster-host", Type.STRING),
    new Setting("cluster", "port", "GENAPI_CLUSTER_PORT", "--cluster-port", Type.INT),
    new Setting("cluster", "event_bus_port", "GENAPI_EVENT_BUS_PORT", "--event-bus-port", Type.INT),
    new Setting("cluster", "event_loops", "GENAPI_EVENT_LOOPS", "--event-loops", Type.INT),
    new Setting("cluster", "members", "GENAPI_CLUSTER_MEMBERS", "--cluster-members", Type.LIST),
    new Setting("cluster", "mode", "GENAPI_CLUSTER_MODE", "--cluster-mode", Type.STRING),
    new Setting("cluster", "kubernetes_service_dns", "GENAPI_KUBERNETES_SERVICE_DNS", "--kubernetes-service-dns",
      Type.STRING),
    new Setting("cluster", "tls_cert", "GENAPI_CLUSTER_TLS_CERT", "--cluster-tls-cert", Type.STRING),
    new Setting("cluster", "tls_key", "GENAPI_CLUSTER_TLS_KEY", "--cluster-tls-key", Type.STRING),
    new Setting("cluster", "tls_ca", "GENAPI_CLUSTER_TLS_CA", "--cluster-tls-ca", Type.STRING),
    new Setting("node", "name", "GENAPI_NODE_NAME", "--node-name", Type.STRING));

  private final Map<String, JsonObject> files = new HashMap<>();

  private Settings() {
  }

  /**
   * @param flags {@code --name value} or {@code --name=value} pairs, plus {@code --conf <dir>}
   * @param env the environment
   * @return the merged settings
   * @throws IllegalArgumentException on an unknown flag, a missing value or a value of the wrong type
   */
  static Settings load(List<String> flags, Map<String, String> env) {
    Map<String, String> given = parseFlags(flags);
    Path conf = Path.of(given.getOrDefault("--conf", env.getOrDefault("GENAPI_CONF_DIR", "conf")));
    Settings settings = new Settings();
    for (String file : List.of("gateway", "node", "cluster")) {
      settings.files.put(file, read(conf.resolve(file + ".json")));
    }
    for (Setting setting : TABLE) {
      if (setting.secret() && given.containsKey(setting.flag())) {
        throw new IllegalArgumentException(setting.flag() + " would show a secret to anyone who can list processes: set "
          + setting.env() + ", " + setting.env() + "_FILE or " + setting.key() + " in conf/" + setting.file() + ".json");
      }
      String value = given.containsKey(setting.flag()) ? given.get(setting.flag()) : valueOf(setting, env);
      if (value != null && !value.isEmpty()) {
        settings.files.get(setting.file()).put(setting.key(), convert(setting, value));
      }
    }
    return settings;
  }

  /** The variable's value, else (for a secret) the content of the file its {@code _FILE} variable names. */
  private static String valueOf(Setting setting, Map<String, String> env) {
    String value = env.get(setting.env());
    String file = env.get(setting.env() + "_FILE");
    if (!setting.secret() || (value != null && !value.isEmpty()) || file == null || file.isEmpty()) {
      return value;
    }
    try {
      return Files.readString(Path.of(file)).strip();
    } catch (IOException e) {
      throw new IllegalArgumentException(setting.env() + "_FILE: cannot read " + file);
    }
  }

  JsonObject gateway() { return files.get("gateway"); }

  JsonObject node() { return files.get("node"); }

  JsonObject cluster() { return files.get("cluster"); }

  /** @return every environment variable the launcher reads */
  static java.util.Set<String> environmentVariables() {
    java.util.Set<String> names = new java.util.TreeSet<>(List.of("GENAPI_CONF_DIR"));
    TABLE.forEach(setting -> {
      names.add(setting.env());
      if (setting.secret()) {
        names.add(setting.env() + "_FILE");
      }
    });
    return names;
  }

  /** @return one line per setting: flag, variable and file key */
  static String usage() {
    StringBuilder out = new StringBuilder();
    for (Setting s : TABLE.stream().filter(t -> !t.secret()).filter(distinctFlag()).toList()) {
      out.append(String.format("  %-26s %-32s conf/%s.json: %s%n", s.flag() + " <v>", s.env(), s.file(), s.key()));
    }
    out.append(String.format("  %-26s %-32s default: conf%n", "--conf <dir>", "GENAPI_CONF_DIR"));
    out.append("secrets, from the variable, a file named by <variable>_FILE, or the conf file (never a flag):\n");
    for (Setting s : TABLE.stream().filter(Setting::secret).filter(distinctFlag()).toList()) {
      out.append(String.format("  %-26s %-32s conf/%s.json: %s%n", "", s.env(), s.file(), s.key()));
    }
    return out.toString();
  }

  private static java.util.function.Predicate<Setting> distinctFlag() {
    java.util.Set<String> seen = new java.util.HashSet<>();
    return setting -> seen.add(setting.flag());
  }

  private static Map<String, String> parseFlags(List<String> flags) {
    Map<String, String> given = new HashMap<>();
    List<String> known = new ArrayList<>(TABLE.stream().map(Setting::flag).toList());
    known.add("--conf");
    for (int i = 0; i < flags.size(); i++) {
      String flag = flags.get(i);
      String value = null;
      int eq = flag.indexOf('=');
      if (eq > 0) {
        value = flag.substring(eq + 1);
        flag = flag.substring(0, eq);
      } else if (i + 1 < flags.size()) {
        value = flags.get(++i);
      }
      if (!known.contains(flag)) {
        throw new IllegalArgumentException("unknown option " + flag);
      }
      if (value == null) {
        throw new IllegalArgumentException("option " + flag + " needs a value");
      }
      given.put(flag, value);
    }
    return given;
  }

  private static Object convert(Setting setting, String value) {
    try {
      return switch (setting.type()) {
        case INT -> Integer.parseInt(value.trim());
        case BOOL -> bool(setting, value.trim());
        case LIST -> new JsonArray(List.of(value.trim().split("\\s*,\\s*")));
        case STRING, SECRET -> value;
        case SECRET_MAP -> pairs(setting, value);
      };
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(setting.env() + " / " + setting.flag() + ": '" + value + "' is not a number");
    }
  }

  /** {@code service=token} pairs, separated by commas or line breaks (the form a mounted Secret file takes). */
  private static JsonObject pairs(Setting setting, String value) {
    JsonObject pairs = new JsonObject();
    for (String pair : value.strip().split("\\s*[,\\n]\\s*")) {
      int eq = pair.indexOf('=');
      if (eq <= 0 || eq == pair.length() - 1) {
        throw new IllegalArgumentException(setting.env() + ": expected service=token pairs separated by commas");
      }
      pairs.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
    }
    return pairs;
  }

  /** Strict, so that a typo cannot turn a check such as {@code jwt_require_exp} off. */
  private static boolean bool(Setting setting, String value) {
    if (!"true".equalsIgnoreCase(value) && !"false".equalsIgnoreCase(value)) {
      throw new IllegalArgumentException(setting.env() + " / " + setting.flag() + ": '" + value
        + "' is not true or false");
    }
    return Boolean.parseBoolean(value);
  }

  private static JsonObject read(Path file) {
    if (!Files.isRegularFile(file)) {
      return new JsonObject();
    }
    try {
      return new JsonObject(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(file + " is not a JSON object: " + e.getMessage());
    }
  }
}
