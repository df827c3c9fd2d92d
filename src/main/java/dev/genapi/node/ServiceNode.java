package dev.genapi.node;

import com.hazelcast.cluster.MembershipAdapter;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.core.HazelcastInstance;
import dev.genapi.api.FunConfig;
import dev.genapi.api.ErrorCode;
import dev.genapi.api.FunctionHandler;
import dev.genapi.api.GenApiException;
import dev.genapi.cluster.Addresses;
import dev.genapi.cluster.ClusterSupport;
import dev.genapi.config.PushConfig;
import dev.genapi.protocol.GenApiCodecs;
import dev.genapi.metrics.Tracing;
import dev.genapi.protocol.NodeCallRequest;
import dev.genapi.protocol.NodeReply;
import io.vertx.core.Closeable;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.event.Level;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A service node: the functions it serves, the event-bus consumer at {@code genapi.node.<name>} that runs them, its
 * lease in the node registry, and the pushes that register its FunConfigs with the gateways. A repeat of a call (same
 * caller, function, request_id and args, while the call runs or within
 * {@link ServiceNodeOptions#getDuplicateWindowMs()} of its answer) gets that call's answer instead of running the
 * function again; when a gateway leaves the cluster, the calls only it waited for stop as if it had cancelled them.
 * <pre>{@code
 * ServiceNode node = ServiceNode.create(vertx, new ServiceNodeOptions().setName("node-a"))
 *   .register(FunConfig.fromJson(new JsonObject().put("service", "demo").put("request_type", "echo")),
 *             call -> Future.succeededFuture(call.args()));
 * node.start();
 * }</pre>
 */
public final class ServiceNode {

  private static final Logger LOG = LoggerFactory.getLogger(ServiceNode.class);
  /** The MDC key of a failed call's line: a {@code request_id} field in JSON logs. */
  private static final String MDC_REQUEST_ID = "request_id";
  /** How long {@link #stop()} lets calls in flight finish. */
  public static final long DEFAULT_DRAIN_MS = 10_000;
  /** How long a stopping node keeps consuming after its lease is gone, for calls already on their way. */
  private static final long LEASE_GONE_GRACE_MS = 300;

  private final Vertx vertx;
  private final ServiceNodeOptions options;
  private final Map<String, Registration> functions = new ConcurrentHashMap<>();
  private final CallTable calls;
  private final Tracing tracing = Tracing.fromGlobal();
  private final ConfigPusher pusher;
  private final Promise<JsonObject> registered = Promise.promise();
  private MessageConsumer<Object> consumer;
  private NodeLease lease;
  private UUID memberListener;
  /** Stops the node when the context that started it closes: its deployment is undeployed, or Vert.x closes. */
  private final Closeable stopOnClose = completion -> stop().onComplete(completion);
  private ContextInternal startedOn;

  private ServiceNode(Vertx vertx, ServiceNodeOptions options) {
    this.vertx = vertx;
    this.options = options;
    this.pusher = new ConfigPusher(vertx, options, this::functions);
    this.calls = new CallTable(vertx, options);
  }

  /**
   * @param vertx a clustered Vert.x instance
   * @param options the node's options
   * @return a node with no functions yet
   */
  public static ServiceNode create(Vertx vertx, ServiceNodeOptions options) {
    return new ServiceNode(vertx, options);
  }

  /**
   * Adds (or replaces) a function. Functions added after {@link #start()} are registered by the next {@link #push}.
   *
   * @param config the function's FunConfig
   * @param handler the code behind it
   * @return a reference to this, so the API can be used fluently
   */
  public ServiceNode register(FunConfig config, FunctionHandler handler) {
    functions.put(config.key(), new Registration(config, handler));
    return this;
  }

  /** @return the node's name */
  public String name() {
    return options.getName();
  }

  /** @return the FunConfigs of every registered function */
  public List<FunConfig> functions() {
    return functions.values().stream().map(Registration::config).toList();
  }

  /**
   * Starts consuming calls, takes the lease, and pushes the FunConfigs in the background (retrying until a gateway
   * accepts them). When the context it was started on closes first (the verticle that started it is undeployed, or
   * Vert.x is closed) the node stops as {@link #stop()} does: lease given up, calls in flight answered.
   *
   * @return completed once calls can reach this node
   */
  public Future<Void> start() {
    startedOn = (ContextInternal) vertx.getOrCreateContext();
    startedOn.addCloseHook(stopOnClose);
    GenApiCodecs.register(vertx.eventBus());
    consumer = vertx.eventBus().consumer(Addresses.node(name()), this::onMessage);
    HazelcastInstance hazelcast = ClusterSupport.hazelcast(vertx);
    memberListener = hazelcast.getCluster().addMembershipListener(new MembershipAdapter() {
      @Override
      public void memberRemoved(MembershipEvent event) {
        gatewayGone(ClusterSupport.nodeId(event.getMember()));
      }
    });
    lease = new NodeLease(vertx, hazelcast, name(), this::functions, options.getLeaseRenewMs());
    return consumer.completion()
      .compose(v -> lease.start())
      .onSuccess(v -> {
        LOG.info("Service node {} started with {} functions of {}", name(), functions.size(), services());
        if (options.isPushOnStart()) {
          pusher.pushUntilAccepted().onComplete(registered);
        }
      });
  }

  /**
   * @return completed with the gateways' answer once the FunConfigs pushed at start were accepted (or skipped);
   *   never completed when the node does not push at start
   */
  public Future<JsonObject> registered() {
    return registered.future();
  }

  /**
   * Pushes the FunConfigs of every service of this node now. A started node first renews its lease, so that the
   * gateways know it declares the functions it pushes before they serve them.
   *
   * @param force re-apply even when the registry has the same {@code config_version}
   * @return the gateway's answer per service, e.g. {@code {"demo":{"status":"accepted",...}}}
   */
  public Future<JsonObject> push(boolean force) {
    Future<Void> declared = lease == null ? Future.succeededFuture() : lease.renew().otherwiseEmpty();
    return declared.compose(v -> pusher.push(force));
  }

  /**
   * Removes a function; gateways stop sending its calls here with the next lease renewal, and stop serving it once
   * no live node declares it (pulls remove it from the registry).
   *
   * @param key the function key {@code service/request_type/version}
   * @return a reference to this, so the API can be used fluently
   */
  public ServiceNode unregister(String key) {
    functions.remove(key);
    return this;
  }

  /**
   * @return how many calls gateways wait on here: the calls running (streams whose chunks wait for their reader
   *   included) and the repeats waiting on them
   */
  public int inFlight() {
    return calls.size();
  }

  /** Stops gracefully, giving calls in flight up to {@value #DEFAULT_DRAIN_MS} ms: see {@link #stop(long)}. */
  public Future<Void> stop() {
    return stop(DEFAULT_DRAIN_MS);
  }

  /**
   * Stops gracefully: gives up the lease first (gateways stop choosing this node), keeps serving the calls in flight
   * and the ones already on their way for up to the budget, then stops consuming.
   *
   * @param budgetMs how long calls in flight may take to finish
   */
  public Future<Void> stop(long budgetMs) {
    if (startedOn != null) {
      startedOn.removeCloseHook(stopOnClose);
    }
    pusher.stop();
    Future<Void> released = lease == null ? Future.succeededFuture() : lease.stop().otherwiseEmpty();
    return released.compose(v -> idle(budgetMs))
      .eventually(() -> consumer == null ? Future.succeededFuture() : consumer.unregister())
      .onComplete(v -> forgetMembers())
      .onSuccess(v -> LOG.info("Service node {} stopped; {} calls left", name(), calls.size()));
  }

  /** Completes when no call has run for a moment (calls sent before the gateways saw the lease go), or at the budget. */
  private Future<Void> idle(long budgetMs) {
    long start = System.currentTimeMillis();
    Promise<Void> idle = Promise.promise();
    vertx.setPeriodic(50, id -> {
      long elapsed = System.currentTimeMillis() - start;
      if (calls.size() == 0 && elapsed >= LEASE_GONE_GRACE_MS || elapsed >= budgetMs) {
        vertx.cancelTimer(id);
        idle.complete();
      }
    });
    return idle.future();
  }

  private void gatewayGone(String member) {
    int stopped = calls.gatewayGone(member);
    if (stopped > 0) {
      LOG.info("Node {}: member {} left the cluster; stopping the {} calls it was waiting for", name(), member, stopped);
    }
  }

  private void forgetMembers() {
    if (memberListener != null) {
      ClusterSupport.unlisten(() -> ClusterSupport.hazelcast(vertx).getCluster()
        .removeMembershipListener(memberListener));
      memberListener = null;
    }
  }

  private List<String> services() {
    return functions.values().stream().map(r -> r.config().service()).distinct().sorted().toList();
  }

  private void onMessage(Message<Object> message) {
    if (message.body() instanceof NodeCallRequest request) {
      run(request, message.headers().get(Addresses.HEADER_TRACEPARENT));
      return;
    }
    String action = message.headers().get(Addresses.HEADER_ACTION);
    if (Addresses.ACTION_PULL.equals(action) || Addresses.ACTION_VERSION.equals(action)) {
      pusher.answerPull(message, action, name());
    } else if (Addresses.ACTION_CANCEL.equals(action) || Addresses.ACTION_CREDIT.equals(action)) {
      String callId = message.headers().get(Addresses.HEADER_CALL);
      NodeCall call = callId == null ? null : calls.get(callId);
      if (call == null) {
        return;
      }
      if (Addresses.ACTION_CANCEL.equals(action)) {
        call.detach(callId);
      } else {
        call.credit(credits(message.headers().get(Addresses.HEADER_CREDITS)));
      }
    } else {
      LOG.warn("Node {} dropped a message that is neither a call nor an action: {}", name(), action);
    }
  }

  private static int credits(String header) {
    try {
      return Math.max(0, Integer.parseInt(header));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private void run(NodeCallRequest request, String traceparent) {
    Registration registration = functions.get(request.functionKey());
    if (registration == null) {
      String[] parts = String.valueOf(request.functionKey()).split("/", 3);
      replyFailure(request, parts.length == 3 ? GenApiException.notFound(parts[1], parts[2])
        : GenApiException.invalidRequest("no function key"));
      return;
    }
    JsonObject body;
    try {
      body = request.body().toJsonObject();
    } catch (RuntimeException e) {
      replyFailure(request, GenApiException.invalidRequest("unreadable call: " + e.getMessage()));
      return;
    }
    if (System.currentTimeMillis() >= request.deadline()) {
      replyFailure(request, GenApiException.timeout(registration.config().timeout()));
      return;
    }
    NodeCall call = calls.admit(request, registration.config(), body);
    if (call == null) {
      return;
    }
    if (traceparent != null && tracing.enabled()) {
      FunConfig function = registration.config();
      call.trace(tracing.startExecution(traceparent, function.service(), function.requestType(), function.version(),
        name()));
    }
    // the call stays known until its end went out: chunks may still wait for the gateway's credits
    invoke(registration.handler(), call).onComplete(result -> {
      if (result.succeeded()) {
        call.end(result.result());
      } else {
        GenApiException failure = failure(result.cause());
        boolean fault = failure.code() == ErrorCode.INTERNAL;
        try (MDC.MDCCloseable id = MDC.putCloseable(MDC_REQUEST_ID, call.requestId())) {
          LOG.atLevel(fault ? Level.WARN : Level.DEBUG).setCause(fault ? result.cause() : null)
            .log("Call {} to {} failed: {}", call.requestId(), request.functionKey(), failure.getMessage());
        }
        call.fail(failure);
      }
    });
  }

  // the call did not start: the gateway may send it elsewhere, whatever the function
  private void replyFailure(NodeCallRequest request, GenApiException failure) {
    vertx.eventBus().send(request.replyTo(), NodeReply.refused(request.callId(), failure));
  }

  private static Future<?> invoke(FunctionHandler handler, NodeCall call) {
    try {
      Future<?> result = handler.handle(call);
      return result == null ? Future.succeededFuture() : result;
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private static GenApiException failure(Throwable cause) {
    if (cause instanceof GenApiException e) {
      return e;
    }
    return GenApiException.internal(cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage());
  }

  private record Registration(FunConfig config, FunctionHandler handler) {
  }
}
