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
  /** Prefix of a gateway's stream address: {@code genapi.gateway.<id>.stream}. */
  public static final String GATEWAY_PREFIX = "genapi.gateway.";

  /** Cluster map of every registered function: key {@code service/request_type/version}, value FunConfig JSON. */
  public static final String FUNCTIONS_MAP = "genapi.functions";
  /** Cluster map of pushed services: key service, value {@code {config_version, nodes, pushed_at}}. */
  public static final String SERVICES_MAP = "genapi.services";
  /** Cluster map of node leases: key node name, value {@code {node, member, services, renewed_at}}. */
  public static final String NODES_MAP = "genapi.nodes";

  /** Header: what a message to a node asks for, {@link #ACTION_CALL} or {@link #ACTION_CANCEL}. */
  public static final String HEADER_ACTION = "genapi-action";
  /** Action: run a function. */
  public static final String ACTION_CALL = "call";
  /** Action: cancel a running async or stream call. */
  public static final String ACTION_CANCEL = "cancel";
  /** Header: the function key {@code service/request_type/version}. */
  public static final String HEADER_FUNCTION = "genapi-fn";
  /** Header: epoch milliseconds after which the gateway no longer waits. */
  public static final String HEADER_DEADLINE = "genapi-deadline";
  /** Header: the caller's user id. */
  public static final String HEADER_USER = "genapi-user";
  /** Header: the caller's device id. */
  public static final String HEADER_DEVICE = "genapi-device";
  /** Header: the gateway-unique id of an async or stream call, used to cancel it and to route its chunks. */
  public static final String HEADER_CALL = "genapi-call";
  /** Header: where a node sends stream chunks (the gateway's stream address). */
  public static final String HEADER_STREAM = "genapi-stream";
  /** Header on stream messages: {@link #STREAM_CHUNK}, {@link #STREAM_END} or {@link #STREAM_ERROR}. */
  public static final String HEADER_STREAM_EVENT = "genapi-stream-event";
  /** Stream event: one chunk. */
  public static final String STREAM_CHUNK = "chunk";
  /** Stream event: the end; the body is the last chunk or null. */
  public static final String STREAM_END = "end";
  /** Stream event: the stream failed; the body is a {@code GenApiException}. */
  public static final String STREAM_ERROR = "error";

  private Addresses() {
  }

  /** @return the address a node consumes on */
  public static String node(String nodeName) {
    return NODE_PREFIX + nodeName;
  }

  /** @return the address a gateway receives stream chunks on */
  public static String gatewayStream(String gatewayId) {
    return GATEWAY_PREFIX + gatewayId + ".stream";
  }
}
