package dev.genapi.gateway;

import dev.genapi.api.GenApiException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;

/**
 * Phoenix Channels over long polling ({@code /socket/longpoll}), as the official {@code phoenix} client speaks it
 * when WebSocket is blocked ({@code longPollFallbackMs}) or chosen ({@code transport: LongPoll}): a {@code GET}
 * without a session token opens a session (status {@code 410} with its token; {@code 403} for an expired or forged
 * bearer token), a {@code GET} with one polls it, a {@code POST} sends it frames, one per line. The session speaks
 * the same Phoenix frames as {@code /socket/websocket} ({@link PhoenixSession}), through the same pipeline, byte
 * budget, pushes and drain. A poll is held up to {@code long_poll_window_ms}, and a session no poll reached for 1.5
 * windows is closed. A session counts as one connection under the connection bounds, in place of the TCP connection
 * its handshake came on; at the bound its own requests still pass, one per connection. Sessions live on the gateway
 * they were opened on: a load balancer in front of several gateways must keep a client on one (as Phoenix without its
 * PubSub would), else the client's next request opens a new session where it lands.
 */
final class LongPollTransport {

  /** The path the transport serves. */
  static final String PATH = "/socket/longpoll";
  /** Most frames one send carries, as Phoenix's own bound. */
  static final int MAX_FRAMES_PER_SEND = 100;
  private static final String TOKEN_PREFIX = "lp1.";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Vertx vertx;
  private final Gateway gateway;
  private final GatewayOptions options;
  private final TopicRules topics;
  private final PushIndex pushes;
  private final Map<String, LongPollSession> sessions;
  private final BiPredicate<RoutingContext, String> admission;
  private final long windowMs;
  private final List<LongPollSession> mine = new ArrayList<>();
  private boolean draining;

  /**
   * @param sessions the gateway's sessions, of every server verticle: a request may reach any of them
   * @param admission counts a new session from a handshake and its client address, or answers false over the bounds
   */
  LongPollTransport(Vertx vertx, Gateway gateway, GatewayOptions options, PushIndex pushes,
                    Map<String, LongPollSession> sessions, BiPredicate<RoutingContext, String> admission) {
    this.vertx = vertx;
    this.gateway = gateway;
    this.options = options;
    this.pushes = pushes;
    this.sessions = sessions;
    this.admission = admission;
    this.topics = new TopicRules(options.getClientLimits());
    this.windowMs = options.getClientLimits().getLongPollWindowMs();
    vertx.setPeriodic(Math.max(10, windowMs / 2), id -> closeIdle());
  }

  /** Answers a {@code GET}: a poll of the session the token names, or a new session. */
  void poll(RoutingContext rc) {
    LongPollSession session = sessionOf(rc.request());
    if (session != null) {
      session.poll(rc.response());
    } else {
      open(rc);
    }
  }

  /** @return whether the request polls or sends to a live session */
  boolean serves(HttpServerRequest request) {
    return PATH.equals(request.path()) && sessionOf(request) != null;
  }

  /** Answers a {@code POST}: the frames of its body go to the session the token names. */
  void send(RoutingContext rc) {
    LongPollSession session = sessionOf(rc.request());
    if (session == null) {
      json(rc.response(), new JsonObject().put("status", 410));
    } else {
      session.send(rc.body().buffer() == null ? Buffer.buffer() : rc.body().buffer(), MAX_FRAMES_PER_SEND,
        rc.response());
    }
  }

  private void open(RoutingContext rc) {
    HttpServerRequest request = rc.request();
    String ip = gateway.connections().addresses().clientOf(request.remoteAddress(), request.headers());
    if (gateway.draining()) {
      // the client retries, through the load balancer, on another gateway
      json(rc.response(), new JsonObject().put("status", 500));
      return;
    }
    gateway.authenticator().authenticate(bearerOf(request)).onComplete(auth -> {
      if (auth.failed()) {
        json(rc.response(), new JsonObject().put("status", 403));
      } else if (!admission.test(rc, ip)) {
        json(rc.response(), new JsonObject().put("status", 500));
      } else {
        json(rc.response(), new JsonObject().put("status", 410).put("token", attach(auth.result(), ip).token())
          .put("messages", new JsonArray()));
      }
    });
  }

  private LongPollSession attach(Identity identity, String ip) {
    String token = TOKEN_PREFIX + newId();
    LongPollSession session = new LongPollSession(vertx.getOrCreateContext(), token, windowMs, () -> {
      sessions.remove(token);
      mine.removeIf(open -> open.token().equals(token));
      gateway.connections().close(ip);
      gateway.connections().sessionClosed(ConnectionAdmission.Transport.LONGPOLL);
    });
    ConnectionFlow flow = gateway.opener().flow(session.link());
    SessionCalls calls = gateway.opener().calls(flow, options.getMaxInFlightPerConnection(), identity);
    PhoenixSession phoenix = new PhoenixSession(flow, calls, gateway.authenticator(), options, topics, ip);
    calls.receivePushes(pushes.entry(phoenix));
    session.attach(phoenix, flow);
    sessions.put(token, session);
    mine.add(session);
    gateway.connections().sessionOpened(ConnectionAdmission.Transport.LONGPOLL);
    return session;
  }

  /** The gateway starts draining: every session is told, as a Phoenix WebSocket is. */
  void drain() {
    draining = true;
    mine.forEach(session -> session.session().drain(gateway.drainState().reconnectAfterMs()));
  }

  /** Closes every session that can no longer lose a call: its next poll opens a session elsewhere. */
  void closeHandedOff() {
    for (LongPollSession session : List.copyOf(mine)) {
      if (session.session().handedOff()) {
        session.close();
      }
    }
  }

  /** Ends the drain: calls still in flight get the failure as their last frame, then every session is closed. */
  void closeAll(GenApiException failure) {
    for (LongPollSession session : List.copyOf(mine)) {
      session.session().finishCalls(failure);
      session.close();
    }
  }

  private void closeIdle() {
    for (LongPollSession session : List.copyOf(mine)) {
      if (session.idleFor(windowMs * 3 / 2) || draining && session.idleFor(windowMs)) {
        session.close();
      }
    }
  }

  // the session token is the client's last token parameter; a bearer token comes in a header or a parameter before it
  private LongPollSession sessionOf(HttpServerRequest request) {
    List<String> tokens = request.params().getAll("token");
    for (int i = tokens.size() - 1; i >= 0; i--) {
      if (tokens.get(i).startsWith(TOKEN_PREFIX)) {
        return sessions.get(tokens.get(i));
      }
    }
    return null;
  }

  private static String bearerOf(HttpServerRequest request) {
    String header = request.getHeader("X-Phoenix-AuthToken");
    String param = request.params().getAll("token").stream().filter(t -> !t.startsWith(TOKEN_PREFIX)).findFirst()
      .orElse(null);
    return Authenticator.tokenOf(request.getHeader("Authorization"), header != null ? header : param);
  }

  private static String newId() {
    byte[] id = new byte[18];
    RANDOM.nextBytes(id);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(id);
  }

  /** Answers HTTP 200 with the JSON body, never cached: the Phoenix status is in the body. */
  static Future<Void> json(HttpServerResponse response, JsonObject body) {
    return response.putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
      .end(body.toBuffer());
  }
}
