package dev.genapi.it;

import dev.genapi.cluster.ClusterOptions;
import dev.genapi.demo.DemoService;
import dev.genapi.gateway.AuthOptions;
import dev.genapi.gateway.Gateway;
import dev.genapi.gateway.GatewayOptions;
import dev.genapi.node.ServiceNode;
import dev.genapi.node.ServiceNodeOptions;
import dev.genapi.testing.Http;
import dev.genapi.testing.TestCluster;
import dev.genapi.testing.WsClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.List;

import static dev.genapi.testing.Jwts.SECRET;
import static dev.genapi.testing.Jwts.claims;
import static dev.genapi.testing.Jwts.nowS;
import static dev.genapi.testing.Jwts.sign;
import static dev.genapi.testing.Jwts.token;
import static dev.genapi.testing.WsClient.call;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Gateways in {@code jwt} mode (default checks; no exp required and a long leeway; issuer, audience and no leeway),
 * and a gateway with tight connection limits, in front of the demo node.
 */
@DisplayName("JWT identity and connection limits")
@ExtendWith(VertxExtension.class)
class AuthAndLimitsTest {

  private static final String ISSUER = "https://issuer.test";

  private static Vertx gatewayVertx;
  private static Vertx nodeVertx;
  private static Vertx client;
  static Gateway secured;
  private static Gateway lenient;
  private static Gateway strict;
  private static Gateway tight;

  @BeforeAll
  static void start(VertxTestContext test) {
    ClusterOptions cluster = TestCluster.newCluster();
    client = Vertx.vertx();
    TestCluster.join(cluster, 2).compose(members -> {
      gatewayVertx = members.get(0);
      nodeVertx = members.get(1);
      return startGateways();
    }).compose(started -> {
      ServiceNode node = DemoService.registerOn(ServiceNode.create(nodeVertx,
        new ServiceNodeOptions().setName("demo-auth")), nodeVertx);
      return node.start().compose(v -> node.registered());
    }).onComplete(test.succeedingThenComplete());
  }

  /** Starts the gateways secured, lenient, strict and tight, one after another. */
  private static Future<Void> startGateways() {
    return gateway(new GatewayOptions().setAuth(new AuthOptions().setMode(AuthOptions.MODE_JWT).setJwtSecret(SECRET)))
      .compose(started -> {
        secured = started;
        return gateway(new GatewayOptions().setAuth(new AuthOptions().setMode(AuthOptions.MODE_JWT).setJwtSecret(SECRET)
          .setRequireExp(false).setLeewayS(60)));
      }).compose(started -> {
        lenient = started;
        return gateway(new GatewayOptions().setAuth(new AuthOptions().setMode(AuthOptions.MODE_JWT).setJwtSecret(SECRET)
          .setIssuer(ISSUER).setAudience(List.of("genapi", "genapi-admin")).setLeewayS(0)));
      }).compose(started -> {
        strict = started;
        return gateway(new GatewayOptions().setMaxConnections(2).setMaxInFlightPerConnection(2));
      }).map(started -> {
        tight = started;
        return null;
      });
  }

  private static Future<Gateway> gateway(GatewayOptions options) {
    return Gateway.start(gatewayVertx, options.setPort(TestCluster.freePort()));
  }

  @AfterAll
  static void stop(VertxTestContext test) {
    TestCluster.leave(client, nodeVertx, gatewayVertx).onComplete(test.succeedingThenComplete());
  }

  /** @return the user_id whoami answers over a WebSocket opened with that token */
  private static Future<String> whoami(Gateway gateway, String token) {
    return WsClient.open(client, gateway.port(), token).compose(ws -> ws.ask(call("who", "demo", "whoami",
        new JsonObject()))
      .map(answer -> answer.getJsonObject("result").getString("user_id"))
      .eventually(ws::shutdown));
  }

  /** @return done once the upgrade to that gateway with that token (or none) fails, naming that status */
  private static Future<Void> upgradeRefused(Gateway gateway, String token, String status) {
    return upgradeRefused(gateway, token, status, "the upgrade to port " + gateway.port());
  }

  /** @return done once the upgrade fails, naming that status; a connection opened instead is closed */
  private static Future<Void> upgradeRefused(Gateway gateway, String token, String status, String description) {
    return WsClient.open(client, gateway.port(), token).transform(opened -> {
      if (opened.succeeded()) {
        return opened.result().shutdown().transform(closed -> Future.failedFuture(
          new AssertionError(description + " was accepted; expected a refusal with " + status)));
      }
      assertThat(opened.cause()).as(description).hasStackTraceContaining(status);
      return Future.succeededFuture();
    });
  }

  private static Future<Http.Reply> postCall(Http http, String bearer, String body) {
    return http.exchange(HttpMethod.POST, "/api/call", bearer, body);
  }

  @Test
  @DisplayName("the token's subject is the caller, whatever user_id the frame claims, and its roles open admin_stats")
  void tokenIdentity(VertxTestContext test) {
    String alice = token(client, SECRET, "alice", new JsonArray(), 600);
    WsClient.open(client, secured.port(), alice).compose(ws -> ws.ask(call("w1", "demo", "whoami", new JsonObject())
          .put("user_id", "mallory"))
        .map(whoami -> assertThat(whoami.getJsonObject("result").getString("user_id")).isEqualTo("alice"))
        .compose(v -> ws.ask(call("w2", "demo", "admin_stats", new JsonObject())
          .put("user_roles", new JsonArray().add("admin"))))
        .map(stats -> assertThat(stats.getString("code")).isEqualTo("PERMISSION_DENIED"))
        .eventually(ws::shutdown))
      .compose(v -> WsClient.open(client, secured.port(), token(client, SECRET, "root", new JsonArray().add("admin"), 600)))
      .compose(ws -> ws.ask(call("w3", "demo", "admin_stats", new JsonObject()))
        .map(stats -> assertThat(stats.getBoolean("success")).isTrue())
        .eventually(ws::shutdown))
      .onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("without a token, calls answer UNAUTHENTICATED; expired or forged tokens are refused at connect")
  void refusedTokens(VertxTestContext test) {
    String expired = token(client, SECRET, "alice", new JsonArray(), -60);
    String forged = token(client, "another-secret-of-enough-length-987654", "alice", new JsonArray(), 600);
    WsClient.open(client, secured.port(), null).compose(ws -> ws.ask(call("u1", "demo", "echo",
          new JsonObject().put("message", "m")))
        .map(refused -> {
          assertThat(refused.getString("code")).isEqualTo("UNAUTHENTICATED");
          return assertThat(refused.getString("error")).isEqualTo("Authentication required");
        })
        .eventually(ws::shutdown))
      .compose(v -> upgradeRefused(secured, expired, "401"))
      .compose(v -> upgradeRefused(secured, forged, "401"))
      .compose(v -> refusedOverHttp(forged))
      .onComplete(test.succeedingThenComplete());
  }

  /** Calls over HTTP with a forged token and without one are refused with 401, with a valid token they run. */
  private static Future<Void> refusedOverHttp(String forged) {
    Http http = new Http(client, secured.port());
    String body = call("h1", "demo", "echo", new JsonObject().put("message", "m")).encode();
    return postCall(http, forged, body)
      .compose(withForged -> {
        assertThat(withForged.status()).isEqualTo(401);
        return postCall(http, null, body);
      })
      .compose(without -> {
        assertThat(without.status()).isEqualTo(401);
        return postCall(http, token(client, SECRET, "bob", new JsonArray(), 600), body);
      })
      .map(ok -> assertThat(ok.status()).isEqualTo(200))
      .<Void>mapEmpty()
      .eventually(http::shutdown);
  }

  @Test
  @DisplayName("an RS256 public key verifies tokens signed with its private key, and refuses others")
  void rs256(VertxTestContext test) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair keys = generator.generateKeyPair();
    Path publicKey = Files.createTempFile("genapi-rs256", ".pem");
    Files.writeString(publicKey, pem("PUBLIC KEY", keys.getPublic().getEncoded()));
    Gateway.start(gatewayVertx, new GatewayOptions().setPort(TestCluster.freePort())
        .setAuth(new AuthOptions().setMode(AuthOptions.MODE_JWT).setJwtPublicKey(publicKey.toString())))
      .compose(rsa -> onlyRs256Tokens(rsa, keys).eventually(rsa::stop))
      .eventually(() -> client.fileSystem().delete(publicKey.toString()))
      .onComplete(test.succeedingThenComplete());
  }

  /** A token signed with the private key opens a connection as its subject; an HS256 one is refused. */
  private static Future<Void> onlyRs256Tokens(Gateway rsa, KeyPair keys) {
    JWTAuth signer = JWTAuth.create(client, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions()
      .setAlgorithm("RS256").setBuffer(pem("PRIVATE KEY", keys.getPrivate().getEncoded()))));
    String token = signer.generateToken(new JsonObject().put("sub", "dave"),
      new JWTOptions().setAlgorithm("RS256").setExpiresInMinutes(10));
    return WsClient.open(client, rsa.port(), token).compose(ws -> ws.ask(call("r1", "demo", "whoami", new JsonObject()))
        .map(whoami -> assertThat(whoami.getJsonObject("result").getString("user_id")).isEqualTo("dave"))
        .eventually(ws::shutdown))
      .compose(v -> upgradeRefused(rsa, token(client, SECRET, "dave", new JsonArray(), 600), "401"));
  }

  @Test
  @DisplayName("a token without exp is refused, unless jwt_require_exp is false")
  void tokenWithoutExp(VertxTestContext test) {
    String forever = sign(client, SECRET, claims("erin"));
    Http http = new Http(client, secured.port());
    String body = call("h2", "demo", "echo", new JsonObject().put("message", "m")).encode();
    upgradeRefused(secured, forever, "401")
      .compose(v -> postCall(http, forever, body))
      .map(refused -> assertThat(refused.status()).isEqualTo(401))
      .compose(v -> whoami(lenient, forever))
      .eventually(http::shutdown)
      .onComplete(test.succeeding(user -> test.verify(() -> {
        assertThat(user).isEqualTo("erin");
        test.completeNow();
      })));
  }

  @Test
  @DisplayName("with jwt_issuer and jwt_audience, a token needs that iss and one of those aud (a string or a list)")
  void issuerAndAudience(VertxTestContext test) {
    long exp = nowS() + 600;
    String right = sign(client, SECRET, claims("fay").put("iss", ISSUER).put("aud", "genapi").put("exp", exp));
    String oneOfList = sign(client, SECRET, claims("gus").put("iss", ISSUER)
      .put("aud", new JsonArray().add("billing").add("genapi-admin")).put("exp", exp));
    List<JsonObject> wrong = List.of(claims("x").put("iss", "https://other.test").put("aud", "genapi"),
      claims("x").put("aud", "genapi"), claims("x").put("iss", ISSUER).put("aud", "billing"),
      claims("x").put("iss", ISSUER));
    whoami(strict, right)
      .map(user -> assertThat(user).isEqualTo("fay"))
      .compose(v -> whoami(strict, oneOfList))
      .map(user -> assertThat(user).isEqualTo("gus"))
      .compose(v -> refusedByStrictFrom(wrong, 0, exp))
      .onComplete(test.succeedingThenComplete());
  }

  /** Tokens with the wrong claims from the i-th on, one at a time, each refused at connect. */
  private static Future<Void> refusedByStrictFrom(List<JsonObject> wrong, int i, long exp) {
    if (i == wrong.size()) {
      return Future.succeededFuture();
    }
    String token = sign(client, SECRET, wrong.get(i).put("exp", exp));
    return upgradeRefused(strict, token, "401", wrong.get(i).encode())
      .compose(v -> refusedByStrictFrom(wrong, i + 1, exp));
  }

  @Test
  @DisplayName("jwt_leeway_s accepts a token that expired less than the leeway ago, at connect and for its calls")
  void leeway(VertxTestContext test) {
    String expired30sAgo = token(client, SECRET, "hal", new JsonArray(), -30);
    String expired90sAgo = token(client, SECRET, "hal", new JsonArray(), -90);
    whoami(lenient, expired30sAgo)
      .map(user -> assertThat(user).isEqualTo("hal"))
      .compose(v -> upgradeRefused(lenient, expired90sAgo, "401"))
      .compose(v -> upgradeRefused(secured, expired30sAgo, "401"))
      .onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("once its token expires, a connection's next call answers UNAUTHENTICATED 'Token expired', then it closes")
  void expiresMidConnection(VertxTestContext test) {
    String shortLived = sign(client, SECRET, claims("ida").put("iss", ISSUER).put("aud", "genapi")
      .put("exp", nowS() + 3));
    WsClient.open(client, strict.port(), shortLived).compose(ws -> ws.ask(call("e0", "demo", "whoami", new JsonObject()))
        .map(whoami -> assertThat(whoami.getJsonObject("result").getString("user_id")).isEqualTo("ida"))
        .compose(v -> whoamiUntilUnauthenticated(ws, 1, System.currentTimeMillis() + 10_000))
        .compose(refused -> {
          assertThat(refused.getString("code")).isEqualTo("UNAUTHENTICATED");
          assertThat(refused.getString("error")).isEqualTo("Token expired");
          return ws.closed(5000);
        })
        .map(status -> {
          assertThat(status).isEqualTo((short) 4401);
          return assertThat(ws.closeReason()).isEqualTo("token expired");
        })
        .eventually(ws::shutdown))
      .onComplete(test.succeedingThenComplete());
  }

  /**
   * Calls whoami every 100 ms (as {@code Eventually.until} observed) until a call answers UNAUTHENTICATED or the time
   * is up.
   *
   * @return the last answer
   */
  private static Future<JsonObject> whoamiUntilUnauthenticated(WsClient ws, int n, long endMs) {
    return ws.ask(call("e" + n, "demo", "whoami", new JsonObject())).compose(answer ->
      "UNAUTHENTICATED".equals(answer.getString("code")) || System.currentTimeMillis() >= endMs
        ? Future.succeededFuture(answer)
        : client.timer(100).compose(t -> whoamiUntilUnauthenticated(ws, n + 1, endMs)));
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
      + "\n-----END " + type + "-----\n";
  }

  @Test
  @DisplayName("a client over its in-flight bound gets OVERLOADED; over the connection bound, the upgrade is refused")
  void connectionLimits(VertxTestContext test) {
    WsClient.open(client, tight.port(), null).compose(greedy -> WsClient.open(client, tight.port(), null)
        .compose(polite -> slowCallsFrom(greedy, 0)
          .compose(v -> greedy.frames(3, 10_000))
          .compose(frames -> {
            JsonObject third = frames.stream().filter(f -> "g2".equals(f.getString("request_id"))).findFirst()
              .orElseThrow();
            assertThat(third.getString("code")).isEqualTo("OVERLOADED");
            assertThat(third.getString("error")).isEqualTo("Too many calls in flight on this connection (max 2)");
            return upgradeRefused(tight, null, "503");
          })
          .compose(v -> polite.ask(call("p1", "demo", "echo", new JsonObject().put("message", "fine"))))
          .map(echoed -> assertThat(echoed.getJsonObject("result").getString("message")).isEqualTo("fine"))
          .eventually(polite::shutdown))
        .eventually(greedy::shutdown))
      .onComplete(test.succeedingThenComplete());
  }

  /** Writes the slow calls from the i-th to the third, one after another. */
  private static Future<Void> slowCallsFrom(WsClient greedy, int i) {
    if (i == 3) {
      return Future.succeededFuture();
    }
    return greedy.write(call("g" + i, "demo", "slow", new JsonObject().put("ms", 500)))
      .compose(written -> slowCallsFrom(greedy, i + 1));
  }
}
