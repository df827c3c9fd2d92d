package dev.genapi.node;

import dev.genapi.api.FunConfig;
import dev.genapi.cluster.Addresses;
import dev.genapi.protocol.NodeCallRequest;
import dev.genapi.protocol.NodeReply;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The calls a node owes an answer, by call id. A repeat (a call from the same caller with the same function,
 * request_id and args as one running, or answered within the duplicate window: {@link RecentCalls}) is answered from
 * that call instead of running the function again. When a gateway leaves the cluster, the calls only it waited for
 * stop. {@link #admit} runs on the node's consumer context, as every call's own context does.
 */
final class CallTable {

  private final Vertx vertx;
  private final RecentCalls recent;
  // every call id a gateway waits on, a repeat's included (it maps to the call it repeats)
  private final Map<String, NodeCall> waiting = new ConcurrentHashMap<>();

  CallTable(Vertx vertx, ServiceNodeOptions options) {
    this.vertx = vertx;
    this.recent = new RecentCalls(options.getDuplicateWindowMs(), options.getDuplicateWindowMaxBytes());
  }

  /**
   * @param request the call as the gateway sent it
   * @param function the function it names
   * @param body the call's JSON
   * @return the call to run; {@code null} when it repeats a call, which answers it
   */
  NodeCall admit(NodeCallRequest request, FunConfig function, JsonObject body) {
    NodeCall call = new NodeCall(function, request, body, vertx, this);
    RecentCalls.Entry earlier = recent.admit(call);
    if (earlier == null) {
      waiting.put(request.callId(), call);
      return call;
    }
    if (earlier.running() != null) {
      waiting.put(request.callId(), earlier.running());
      earlier.running().follow(request);
    } else {
      vertx.eventBus().send(request.replyTo(), earlier.answer().forCall(request.callId()));
    }
    return null;
  }

  /** @return the call a gateway waits on under that call id, or {@code null} */
  NodeCall get(String callId) {
    return waiting.get(callId);
  }

  /** No gateway waits on that call id any more. */
  void left(String callId) {
    waiting.remove(callId);
  }

  /** The call is over: answered ({@code last} its end or failure) or stopped ({@code null}). */
  void over(NodeCall call, NodeReply last) {
    recent.over(call, last);
  }

  /**
   * Stops waiting on behalf of a gateway that left the cluster: each call stops once no other gateway waits for it.
   *
   * @param member the node id of the gateway's JVM ({@link dev.genapi.cluster.ClusterSupport#nodeId})
   * @return how many calls that gateway had sent (repeats aside)
   */
  int gatewayGone(String member) {
    String prefix = Addresses.gatewayMember(member);
    int calls = 0;
    for (Map.Entry<String, NodeCall> entry : waiting.entrySet()) {
      NodeCall call = entry.getValue();
      call.detachIfFrom(entry.getKey(), prefix);
      if (call.request().callId().equals(entry.getKey()) && call.request().replyTo().startsWith(prefix)) {
        calls++;
      }
    }
    return calls;
  }

  /** @return how many calls gateways wait on: running calls and the repeats waiting on them */
  int size() {
    return waiting.size();
  }
}
