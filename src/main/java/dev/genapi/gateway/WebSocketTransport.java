package dev.genapi.gateway;

import dev.genapi.api.GenApiException;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * WebSocket sessions of one gateway server, native ({@code /ws}) and Phoenix ({@code /socket/websocket}): the upgrade
 * (refused with {@code 503} while draining, {@code 401} with an expired or forged token), the drain hand-off of each
 * session (see {@link NativeSession} and {@link PhoenixSession}), each session's byte budget,
 * a message over the hard size cap closed with {@value #TOO_BIG}, and the idle sweep: native sessions are pinged
 * every {@code ping_interval_ms}, and a session that sent nothing (Phoenix: no heartbeat or other frame; native: not
 * even a pong) for {@code idle_timeout_ms} is closed with {@value ConnectionFlow#SLOW_CLIENT}. Used on the server's
 * event loop only.
 */
final class WebSocketTransport {

  /** Close code of a message over the hard size cap. */
  static final int TOO_BIG = 1009;
  /** Close code of a drained connection: the service restarts, reconnect (to another gateway). */
  static final short SERVICE_RESTART = 1012;

  private final Vertx vertx;
  private final Gateway gateway;
  private final GatewayOptions options;
  private final TopicRules topics;
  private final PushIndex pushes;
  private final Set<Live> sessions = new HashSet<>();
  private final Consumer<HttpConnection> tcpClosed;
  private boolean draining;

  /**
   * @param pushes this event loop's connections by user and device
   * @param tcpClosed told when the connection a WebSocket was upgraded from is closed
   */
  WebSocketTransport(Vertx vertx, Gateway gateway, GatewayOptions options, PushIndex pushes,
                     Consumer<HttpConnection> tcpClosed) {
    this.pushes = pushes;
    this.tcpClosed = tcpClosed;
    this.vertx = vertx;
    this.gateway = gateway;
    this.options = options;
    ClientLimitsOptions limits = options.getClientLimits();
    this.topics = new TopicRules(limits);
    long tick = Math.max(50, Math.min(limits.getPingIntervalMs(), limits.getIdleTimeoutMs() / 4));
    vertx.setPeriodic(tick, id -> sweep(limits));
  }

  void upgrade(RoutingContext rc, boolean phoenix) {
    if (gateway.draining()) {
      HttpTransport.closeAfterAnswer(rc);
      rc.response().setStatusCode(503).end("draining");
      return;
    }
    rc.request().pause();
    gateway.authenticator().authenticate(Authenticator.tokenOf(rc.request())).onComplete(auth -> {
      if (auth.failed()) {
        rc.response().setStatusCode(401).end("invalid token");
        return;
      }
      rc.request().toWebSocket().onSuccess(ws -> attach(ws, rc.request().connection(), auth.result(), phoenix)).onFailure(e -> {
        if (!rc.response().ended()) {
          rc.response().setStatusCode(400).end("not a WebSocket upgrade");
        }
      });
    });
  }

  private void attach(ServerWebSocket ws, HttpConnection tcp, Identity identity, boolean phoenix) {
    Live live = new Live(ws, tcp, identity, phoenix);
    // an upgraded connection's own close handler never runs (its WebSocket's does): let it go
    tcp.closeHandler(null);
    ws.frameHandler(live);
    ws.exceptionHandler(live::failed);
    ws.closeHandler(live::closed);
    sessions.add(live);
    gateway.connections().sessionOpened(live.transport());
    if (draining) {
      live.session.drain(gateway.drainState().reconnectAfterMs());
    }
  }

  // Vert.x reports a message over maxWebSocketMessageSize (as its own message handlers aggregate it, e.g. for SockJS)
  // as an IllegalStateException, a frame over maxWebSocketFrameSize as Netty's CorruptedWebSocketFrameException;
  // anything else is the network's doing
  static boolean tooBig(Throwable e) {
    return e instanceof CorruptedWebSocketFrameException
      || e instanceof IllegalStateException && String.valueOf(e.getMessage()).contains("max message size");
  }

  private void sweep(ClientLimitsOptions limits) {
    long now = System.currentTimeMillis();
    for (Live live : new ArrayList<>(sessions)) {
      long quiet = now - live.lastSeen;
      if (quiet > limits.getIdleTimeoutMs()) {
        live.flow.close(ConnectionFlow.SLOW_CLIENT, "idle timeout");
      } else if (live.nativeFrames && quiet >= limits.getPingIntervalMs()
        && now - live.lastPing >= limits.getPingIntervalMs()) {
        live.lastPing = now;
        live.ws.writePing(Buffer.buffer());
      }
    }
  }

  /** The gateway starts draining: each session is told, with its own reconnect delay (and each one opened later). */
  void drain() {
    draining = true;
    sessions.forEach(live -> live.session.drain(gateway.drainState().reconnectAfterMs()));
  }

  /** Closes, with a reconnect hint (1012), every session that can no longer lose a call. */
  void closeHandedOff() {
    for (Live live : new ArrayList<>(sessions)) {
      if (!live.handedOff && live.session.handedOff()) {
        live.handedOff = true;
        live.flow.close(SERVICE_RESTART, "service restart");
      }
    }
  }

  /**
   * Ends the drain: calls still in flight get the failure as their last frame, then every session is closed with a
   * reconnect hint (1012: the service restarts).
   */
  Future<Void> closeAll(GenApiException failure) {
    List<Future<Void>> closing = new ArrayList<>();
    for (Live live : new ArrayList<>(sessions)) {
      live.session.finishCalls(failure);
      closing.add(live.ws.close(SERVICE_RESTART, "service restart"));
    }
    return Future.join(closing).mapEmpty();
  }

  /**
   * One open session, its socket as the flow control sees it ({@link ClientLink}), and when its client was last
   * heard: one object per WebSocket, as there are many. It reads the frames itself: a message's bytes go to the
   * session as they came, without the decode to a {@code String} and encode back that Vert.x's text-message handler
   * costs; a message over the size cap (twice the payload limit, its frames summed) closes the connection with
   * {@value #TOO_BIG}. Native sessions take text and binary messages, Phoenix sessions text only.
   */
  private final class Live implements Handler<WebSocketFrame>, ClientLink {
    final ServerWebSocket ws;
    // the connection it was upgraded from: dropped when the client does not answer a close within CLOSE_GRACE_MS
    // (a client that stops reading never sees the close frame queued behind its data)
    final HttpConnection tcp;
    final ConnectionFlow flow;
    final ClientSession session;
    final boolean nativeFrames;
    boolean handedOff;
    long lastSeen = System.currentTimeMillis();
    long lastPing;
    // the frames of a fragmented message so far, and whether the session takes it
    private Buffer fragments;
    private boolean taken;

    Live(ServerWebSocket ws, HttpConnection tcp, Identity identity, boolean phoenix) {
      this.ws = ws;
      this.tcp = tcp;
      this.nativeFrames = !phoenix;
      this.flow = gateway.opener().flow(this);
      SessionCalls calls = gateway.opener().calls(flow, options.getMaxInFlightPerConnection(), identity);
      String ip = gateway.connections().addresses().clientOf(ws.remoteAddress(), ws.headers());
      this.session = phoenix
        ? new PhoenixSession(flow, calls, gateway.authenticator(), options, topics, ip)
        : new NativeSession(flow, calls, options, ip);
      calls.receivePushes(pushes.entry(session));
    }

    ConnectionAdmission.Transport transport() {
      return nativeFrames ? ConnectionAdmission.Transport.WEBSOCKET : ConnectionAdmission.Transport.PHOENIX;
    }

    void closed(Void ignored) {
      tcpClosed.accept(tcp);
      sessions.remove(this);
      gateway.connections().sessionClosed(transport());
      flow.closed();
      session.onClose();
    }

    @Override
    public Future<Void> write(String text) {
      return ws.isClosed() ? Future.failedFuture("closed") : ws.writeTextMessage(text);
    }

    @Override
    public void pause() {
      ws.pause();
    }

    @Override
    public void resume() {
      ws.resume();
    }

    @Override
    public void close(int code, String reason) {
      if (!ws.isClosed()) {
        ws.close((short) code, reason);
        vertx.setTimer(CLOSE_GRACE_MS, id -> {
          if (!ws.isClosed()) {
            tcp.close();
          }
        });
      }
    }

    @Override
    public void handle(WebSocketFrame frame) {
      switch (frame.type()) {
        case TEXT, BINARY -> {
          taken = frame.type() == WebSocketFrameType.TEXT || nativeFrames;
          fragments = null;
          receive(frame);
        }
        case CONTINUATION -> receive(frame);
        case PONG -> {
          if (nativeFrames) {
            lastSeen = System.currentTimeMillis();
          }
        }
        default -> {
        }
      }
    }

    private void receive(WebSocketFrame frame) {
      if (!taken) {
        return;
      }
      lastSeen = System.currentTimeMillis();
      Buffer data = frame.binaryData();
      if (frame.isFinal() && fragments == null) {
        session.onFrame(data);
        return;
      }
      fragments = fragments == null ? data.copy() : fragments.appendBuffer(data);
      if (fragments.length() > 2L * options.getMaxPayloadBytes()) {
        taken = false;
        fragments = null;
        flow.close(TOO_BIG, "message too big");
      } else if (frame.isFinal()) {
        Buffer message = fragments;
        fragments = null;
        session.onFrame(message);
      }
    }

    void failed(Throwable e) {
      if (tooBig(e)) {
        flow.close(TOO_BIG, "message too big");
      }
    }
  }
}
