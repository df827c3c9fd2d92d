package dev.genapi.cluster;

/**
 * Every event-bus address, message header and cluster map name GenApi uses, in one place. Internal addresses start
 * with {@code genapi.}.
 */
public final class Addresses {

  /** The {@code ConfigService} proxy address (push, verify), served by every gateway. */
  public static final String CONFIG_SERVICE = "genapi.config";
  /** Prefix of a service node's own address: {@code genapi.node.<name>}. */
  public static final String NODE_PREFIX = "genapi.node.";
  /**
   * Prefix of a gateway's reply addresses, one per event loop: {@code genapi.gateway.<member>.<id>-<n>.replies},
   * where {@code <member>} is the node id of the gateway's JVM, so a node can tell which member a call came from.
   */
  public static final String GATEWAY_PREFIX = "genapi.gateway.";

  /** Where gateways publish their rate-limit admissions and heartbeats. */
  public static final String RATE_LIMIT_SYNC = "genapi.ratelimit.sync";
  /** Prefix of a gateway's own rate-limit address, {@code genapi.ratelimit.gateway.<id>}, where it takes key resets. */
  public static final String RATE_LIMIT_GATEWAY_PREFIX = "genapi.ratelimit.gateway.";
  /** Cluster map of gateway settings changed at runtime, such as {@code rate_limits}. */
  public static final String SETTINGS_MAP = "genapi.settings";

  /** Cluster map of every registered function: key {@code service/request_type/version}, value FunConfig JSON. */
  public static final String FUNCTIONS_MAP = "genapi.functions";
  /** Cluster map of pushed services: key service, value {@code {config_version, nodes, pushed_at}}. */
  public static final String SERVICES_MAP = "genapi.services";
  /** Cluster map of rejected FunConfigs, each kept 24 h: key a unique id, value the failure record. */
  public static final String FAILED_MAP = "genapi.failed-configs";
  /** Cluster map of node leases: key node name, value {@code {node, member, services, renewed_at}}. */
  public static final String NODES_MAP = "genapi.nodes";

  /**
   * Where nodes also publish each lease renewal, so gateways see a node renew while the map entry's owner is frozen
   * (a write to a partition whose primary sits on a stopped member waits until the member is declared gone).
   */
  public static final String NODE_LEASES = "genapi.node-leases";

  /** Where server pushes are published: every gateway event loop takes each one and writes it to its own clients. */
  public static final String PUSHES = "genapi.pushes";

  /**
   * Cluster map of relay groups: key group_id, value the group as JSON text
   * {@code {"type","members":{<user_id>:{"roles","status","connection","joined_at"}}}}, written with compare-and-set.
   */
  public static final String RELAY_GROUPS_MAP = "genapi.relay.groups";

  /**
   * Header: what a message to a node asks for besides running a call (a call is a {@code NodeCallRequest} body):
   * {@link #ACTION_CANCEL}, {@link #ACTION_CREDIT}, {@link #ACTION_PULL} or {@link #ACTION_VERSION}.
   */
  public static final String HEADER_ACTION = "genapi-action";
  /** Action: cancel a running async or stream call. */
  public static final String ACTION_CANCEL = "cancel";
  /** Action of a gateway letting a stream send more chunks ({@link #HEADER_CREDITS} of them). */
  public static final String ACTION_CREDIT = "credit";
  /** Header of a credit: how many more chunks the stream may send. */
  public static final String HEADER_CREDITS = "genapi-credits";
  /** Action: answer the node's FunConfigs of one service (a pull). */
  public static final String ACTION_PULL = "pull";
  /** Action: answer the node's {@code config_version} of one service (a pull's version check). */
  public static final String ACTION_VERSION = "version";
  /** Header: the service a pull asks about. */
  public static final String HEADER_SERVICE = "genapi-service";
  /** Header of a pull: a fresh random value the node's answer must seal, so an old answer cannot be replayed. */
  public static final String HEADER_NONCE = "genapi-nonce";
  /** Header of a pull's answer: its {@link Seal} MAC under the service's push token. */
  public static final String HEADER_SEAL = "genapi-seal";
  /** Header of a cancel: the cluster-unique id of the call. */
  public static final String HEADER_CALL = "genapi-call";
  /** Header of a traced call to a node: the W3C trace context of the gateway's span for it. */
  public static final String HEADER_TRACEPARENT = "traceparent";

  private Addresses() {
  }

  /** @return the address a node consumes on */
  public static String node(String nodeName) {
    return NODE_PREFIX + nodeName;
  }

  /**
   * @param member the node id of the gateway's JVM ({@link ClusterSupport#nodeId}), which a merge leaves unchanged
   * @param gatewayId the gateway's id and the event loop's number, {@code <id>-<n>}
   * @return the address a gateway receives the replies of its calls on
   */
  public static String gatewayReplies(String member, String gatewayId) {
    return gatewayMember(member) + gatewayId + ".replies";
  }

  /** @return the address where the gateway with that rate-limit id (one per gateway, random) takes key resets */
  public static String rateLimitGateway(String gatewayId) {
    return RATE_LIMIT_GATEWAY_PREFIX + gatewayId;
  }

  /** @return the start of every reply address of the gateways in that JVM (by its node id) */
  public static String gatewayMember(String member) {
    return GATEWAY_PREFIX + member + ".";
  }
}
