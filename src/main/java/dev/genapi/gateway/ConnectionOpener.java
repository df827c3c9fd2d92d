package dev.genapi.gateway;

import dev.genapi.dispatch.Pipeline;
import dev.genapi.relay.Relay;
import io.vertx.core.Vertx;

/**
 * Where every transport opens a client connection: its byte budget ({@link ConnectionFlow}) and its calls
 * ({@link SessionCalls}). What they share is held here once per gateway, not once per connection.
 */
final class ConnectionOpener {

  final Vertx vertx;
  final Pipeline pipeline;
  final Authenticator authenticator;
  final Drain drain;
  final Relay relay;
  final MemoryBudget memory;
  final long budget;
  final long slowClientTimeoutMs;

  ConnectionOpener(Vertx vertx, Pipeline pipeline, Gateway gateway, ClientLimitsOptions limits) {
    this.vertx = vertx;
    this.pipeline = pipeline;
    this.authenticator = gateway.authenticator();
    this.drain = gateway.drainState();
    this.relay = gateway.relay();
    this.memory = gateway.memory();
    this.budget = limits.getMaxConnectionBytes();
    this.slowClientTimeoutMs = limits.getSlowClientTimeoutMs();
  }

  /** @return the byte budget of a connection that writes to that link */
  ConnectionFlow flow(ClientLink link) {
    return new ConnectionFlow(this, link);
  }

  /**
   * @param maxInFlight the bound on the connection's calls in flight
   * @param identity the connection's verified identity, or {@code null}
   * @return the calls of a connection with that flow
   */
  SessionCalls calls(ConnectionFlow flow, int maxInFlight, Identity identity) {
    return new SessionCalls(this, maxInFlight, flow, identity);
  }
}
