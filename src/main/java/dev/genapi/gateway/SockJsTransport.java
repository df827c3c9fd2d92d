package dev.genapi.gateway;

import dev.genapi.api.ErrorCode;
import dev.genapi.api.GenApiException;
import dev.genapi.protocol.Request;
import dev.genapi.protocol.Response;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.Vertx;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * SockJS sessions ({@code /sockjs}, over WebSocket or an HTTP fallback) speaking the native frames. Closed at once
 * while draining; open sessions get the drain frame when the drain starts and are closed when it ends. An expired or
 * forged token gets an {@code UNAUTHENTICATED} frame and a close. (Vert.x closes a session of the SockJS protocol
 * with SockJS's own {@code 3000 "Go away!"} whatever code is asked for.) Each session has the same byte budget as a
 * WebSocket, except that SockJS cannot stop reading: calls that arrive over the budget answer {@code OVERLOADED}.
 * Used on the server's event loop only.
 */
final class SockJsTransport {

  private final Vertx vertx;
  private final Gateway gateway;
  private final GatewayOptions options;
  private final PushIndex pushes;
  private final Map<SockJSSocket, NativeSession> sessions = new HashMap<>();
  private boolean draining;

  SockJsTransport(Vertx vertx, Gateway gateway, GatewayOptions options, PushIndex pushes) {
    this.pushes = pushes;
    this.vertx = vertx;
    this.gateway = gateway;
    this.options = options;
  }

  void open(SockJSSocket socket) {
    // a client that goes away mid-request is no error of the gateway's: it is not logged
    socket.exceptionHandler(e -> {
    });
    if (gateway.draining()) {
      socket.close(1012, "draining");
      return;
    }
    List<String> tokens = new QueryStringDecoder(socket.uri()).parameters().get("token");
    String token = Authenticator.tokenOf(socket.headers().get("Authorization"),
      tokens == null || tokens.isEmpty() ? null : tokens.get(0));
    gateway.authenticator().authenticate(token).onComplete(auth -> {
      if (auth.failed()) {
        socket.write(Response.error(Request.UNKNOWN_ID, new GenApiException(ErrorCode.UNAUTHENTICATED,
          "Invalid or expired token"), false).toBuffer());
        socket.close(4401, "invalid token");
        return;
      }
      attach(socket, auth.result());
    });
  }

  private void attach(SockJSSocket socket, Identity identity) {
    ConnectionFlow flow = gateway.opener().flow(ClientLink.unpausable(socket::write, socket::close));
    SessionCalls calls = gateway.opener().calls(flow, options.getMaxInFlightPerConnection(), identity);
    String ip = gateway.connections().addresses().clientOf(socket.remoteAddress(), socket.headers());
    NativeSession session = new NativeSession(flow, calls, options, ip);
    calls.receivePushes(pushes.entry(session));
    socket.handler(session::onFrame);
    socket.exceptionHandler(e -> {
      if (WebSocketTransport.tooBig(e)) {
        flow.close(WebSocketTransport.TOO_BIG, "message too big");
      }
    });
    sessions.put(socket, session);
    gateway.connections().sessionOpened(ConnectionAdmission.Transport.SOCKJS);
    if (draining) {
      session.drain(gateway.drainState().reconnectAfterMs());
    }
    socket.endHandler(v -> {
      sessions.remove(socket);
      gateway.connections().sessionClosed(ConnectionAdmission.Transport.SOCKJS);
      flow.closed();
      session.onClose();
    });
  }

  /** The gateway starts draining: each session gets the drain frame (and each one opened later). */
  void drain() {
    draining = true;
    sessions.values().forEach(session -> session.drain(gateway.drainState().reconnectAfterMs()));
  }

  /**
   * Ends the drain: calls still in flight get the failure as their last frame, then every session is closed with a
   * reconnect hint (1012: the service restarts).
   */
  void closeAll(GenApiException failure) {
    for (Map.Entry<SockJSSocket, NativeSession> open : List.copyOf(sessions.entrySet())) {
      open.getValue().finishCalls(failure);
      open.getKey().close(WebSocketTransport.SERVICE_RESTART, "service restart");
    }
  }
}
