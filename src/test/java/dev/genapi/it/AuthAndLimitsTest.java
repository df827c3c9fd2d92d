package dev.genapi.it;

import dev.genapi.cluster.ClusterOptions;
import dev.genapi.demo.DemoService;
import dev.genapi.gateway.AuthOptions;
import dev.genapi.gateway.Gateway;
import dev.genapi.gateway.GatewayOptions;
import dev.genapi.node.ServiceNode;
import dev.genapi.node.ServiceNodeOptions;
import dev.genapi.testing.Eventually;
import dev.genapi.testing.Http;
import dev.genapi.testing.TestCluster;
import dev.genapi.testing.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

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
import static dev.genapi.testing.TestCluster.await;
import static dev.genapi.testing.WsClient.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Gateways in {@code jwt} mode (default checks; no exp required and a long leeway; issuer, audience and no leeway),
 * and a gateway with tight connection limits, in front of the demo node.
 */
@DisplayName("JWT identity and connection limits")
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
  static void start() {
    ClusterOptions cluster = TestCluster.newCluster();
    gatewayVertx = TestCluster.member(cluster);
    nodeVertx = TestCluster.member(cluster);
    client = Vertx.vertx();
    secured = await(Gateway.start(gatewayVertx, new GatewayOptions().setPort(TestCluster.freePort())
      .setAuth(new AuthOptions().setMode(AuthOptions.MODE_JWT).setJwtSecret(SECRET))));
    lenient = await(Gateway.start(gatewayVertx, new GatewayOptions().setPort(TestCluster.freePort())
      .setAuth(new AuthOptions().setMode(AuthOptions.MODE_JWT).setJwtSecret(SECRET).setRequireExp(false)
        .setLeewayS(60))));
    strict = await(Gateway.start(gatewayVertx, new GatewayOptions().setPort(TestCluster.freePort())
      .setAuth(new AuthOptions().setMode(AuthOptions.MODE_JWT).setJwtSecret(SECRET).setIssuer(ISSUER)
        .setAudience(List.of("genapi", "genapi-admin")).setLeewayS(0))));
    tight = await(Gateway.start(gatewayVertx, new GatewayOptions().setPort(TestCluster.freePort())
      .setMaxConnections(2).setMaxInFlightPerConnection(2)));
    ServiceNode node = DemoService.registerOn(ServiceNode.create(nodeVertx, new ServiceNodeOptions().setName("demo-auth")),
      nodeVertx);
    await(node.start());
    await(node.registered());
  }

  @AfterAll
  static void stop() {
    TestCluster.close(client, nodeVertx, gatewayVertx);
  }

  /** @return the user_id whoami answers over a WebSocket opened with that token */
  private static String whoami(Gateway gateway, String token) {
    try (WsClient ws = WsClient.connect(client, gateway.port(), token)) {
      ws.send(call("who", "demo", "whoami", new JsonObject()));
      return ws.next().getJsonObject("result").getString("user_id");
    }
  }

  @Test
  @DisplayName("the token's subject is the caller, whatever user_id the frame claims, and its roles open admin_stats")
  void tokenIdentity() {
    String alice = token(client, SECRET, "alice", new JsonArray(), 600);
    try (WsClient ws = WsClient.connect(client, secured.port(), alice)) {
      ws.send(call("w1", "demo", "whoami", new JsonObject()).put("user_id", "mallory"));
      assertThat(ws.next().getJsonObject("result").getString("user_id")).isEqualTo("alice");
      ws.send(call("w2", "demo", "admin_stats", new JsonObject()).put("user_roles", new JsonArray().add("admin")));
      assertThat(ws.next().getString("code")).isEqualTo("PERMISSION_DENIED");
    }
    String admin = token(client, SECRET, "root", new JsonArray().add("admin"), 600);
    try (WsClient ws = WsClient.connect(client, secured.port(), admin)) {
      ws.send(call("w3", "demo", "admin_stats", new JsonObject()));
      assertThat(ws.next().getBoolean("success")).isTrue();
    }
  }

  @Test
  @DisplayName("without a token, calls answer UNAUTHENTICATED; expired or forged tokens are refused at connect")
  void refusedTokens() {
    try (WsClient ws = WsClient.connect(client, secured.port())) {
      ws.send(call("u1", "demo", "echo", new JsonObject().put("message", "m")));
      JsonObject refused = ws.next();
      assertThat(refused.getString("code")).isEqualTo("UNAUTHENTICATED");
      assertThat(refused.getString("error")).isEqualTo("Authentication required");
    }
    String expired = token(client, SECRET, "alice", new JsonArray(), -60);
    String forged = token(client, "another-secret-of-enough-length-987654", "alice", new JsonArray(), 600);
    assertThatThrownBy(() -> WsClient.connect(client, secured.port(), expired)).hasStackTraceContaining("401");
    assertThatThrownBy(() -> WsClient.connect(client, secured.port(), forged)).hasStackTraceContaining("401");

    Http http = new Http(client, secured.port());
    String body = call("h1", "demo", "echo", new JsonObject().put("message", "m")).encode();
    assertThat(http.send(HttpMethod.POST, "/api/call", forged, body).status()).isEqualTo(401);
    assertThat(http.send(HttpMethod.POST, "/api/call", null, body).status()).isEqualTo(401);
    Http.Reply ok = http.send(HttpMethod.POST, "/api/call", token(client, SECRET, "bob", new JsonArray(), 600), body);
    assertThat(ok.status()).isEqualTo(200);
  }

  @Test
  @DisplayName("an RS256 public key verifies tokens signed with its private key, and refuses others")
  void rs256() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair keys = generator.generateKeyPair();
    Path publicKey = Files.createTempFile("genapi-rs256", ".pem");
    Files.writeString(publicKey, pem("PUBLIC KEY", keys.getPublic().getEncoded()));
    Gateway rsa = await(Gateway.start(gatewayVertx, new GatewayOptions().setPort(TestCluster.freePort())
      .setAuth(new AuthOptions().setMode(AuthOptions.MODE_JWT).setJwtPublicKey(publicKey.toString()))));
    try {
      JWTAuth signer = JWTAuth.create(client, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions()
        .setAlgorithm("RS256").setBuffer(pem("PRIVATE KEY", keys.getPrivate().getEncoded()))));
      String token = signer.generateToken(new JsonObject().put("sub", "dave"),
        new JWTOptions().setAlgorithm("RS256").setExpiresInMinutes(10));
      try (WsClient ws = WsClient.connect(client, rsa.port(), token)) {
        ws.send(call("r1", "demo", "whoami", new JsonObject()));
        assertThat(ws.next().getJsonObject("result").getString("user_id")).isEqualTo("dave");
      }
      String hs = token(client, SECRET, "dave", new JsonArray(), 600);
      assertThatThrownBy(() -> WsClient.connect(client, rsa.port(), hs)).hasStackTraceContaining("401");
    } finally {
      await(rsa.stop());
      Files.deleteIfExists(publicKey);
    }
  }

  @Test
  @DisplayName("a token without exp is refused, unless jwt_require_exp is false")
  void tokenWithoutExp() {
    String forever = sign(client, SECRET, claims("erin"));
    assertThatThrownBy(() -> WsClient.connect(client, secured.port(), forever)).hasStackTraceContaining("401");
    Http http = new Http(client, secured.port());
    String body = call("h2", "demo", "echo", new JsonObject().put("message", "m")).encode();
    assertThat(http.send(HttpMethod.POST, "/api/call", forever, body).status()).isEqualTo(401);
    assertThat(whoami(lenient, forever)).isEqualTo("erin");
  }

  @Test
  @DisplayName("with jwt_issuer and jwt_audience, a token needs that iss and one of those aud (a string or a list)")
  void issuerAndAudience() {
    long exp = nowS() + 600;
    String right = sign(client, SECRET, claims("fay").put("iss", ISSUER).put("aud", "genapi").put("exp", exp));
    String oneOfList = sign(client, SECRET, claims("gus").put("iss", ISSUER)
      .put("aud", new JsonArray().add("billing").add("genapi-admin")).put("exp", exp));
    assertThat(whoami(strict, right)).isEqualTo("fay");
    assertThat(whoami(strict, oneOfList)).isEqualTo("gus");
    for (JsonObject wrong : List.of(claims("x").put("iss", "https://other.test").put("aud", "genapi"),
      claims("x").put("aud", "genapi"), claims("x").put("iss", ISSUER).put("aud", "billing"),
      claims("x").put("iss", ISSUER))) {
      String token = sign(client, SECRET, wrong.put("exp", exp));
      assertThatThrownBy(() -> WsClient.connect(client, strict.port(), token)).as(wrong.encode())
        .hasStackTraceContaining("401");
    }
  }

  @Test
  @DisplayName("jwt_leeway_s accepts a token that expired less than the leeway ago, at connect and for its calls")
  void leeway() {
    String expired30sAgo = token(client, SECRET, "hal", new JsonArray(), -30);
    String expired90sAgo = token(client, SECRET, "hal", new JsonArray(), -90);
    assertThat(whoami(lenient, expired30sAgo)).isEqualTo("hal");
    assertThatThrownBy(() -> WsClient.connect(client, lenient.port(), expired90sAgo)).hasStackTraceContaining("401");
    assertThatThrownBy(() -> WsClient.connect(client, secured.port(), expired30sAgo)).hasStackTraceContaining("401");
  }

  @Test
  @DisplayName("once its token expires, a connection's next call answers UNAUTHENTICATED 'Token expired', then it closes")
  void expiresMidConnection() {
    String shortLived = sign(client, SECRET, claims("ida").put("iss", ISSUER).put("aud", "genapi")
      .put("exp", nowS() + 3));
    try (WsClient ws = WsClient.connect(client, strict.port(), shortLived)) {
      ws.send(call("e0", "demo", "whoami", new JsonObject()));
      assertThat(ws.next().getJsonObject("result").getString("user_id")).isEqualTo("ida");
      int[] n = {0};
      JsonObject refused = Eventually.until(() -> {
        ws.send(call("e" + ++n[0], "demo", "whoami", new JsonObject()));
        return ws.next();
      }, frame -> "UNAUTHENTICATED".equals(frame.getString("code")), 10_000);
      assertThat(refused.getString("code")).isEqualTo("UNAUTHENTICATED");
      assertThat(refused.getString("error")).isEqualTo("Token expired");
      assertThat(ws.closeStatus(5000)).isEqualTo((short) 4401);
      assertThat(ws.closeReason()).isEqualTo("token expired");
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
      + "\n-----END " + type + "-----\n";
  }

  @Test
  @DisplayName("a client over its in-flight bound gets OVERLOADED; over the connection bound, the upgrade is refused")
  void connectionLimits() {
    try (WsClient greedy = WsClient.connect(client, tight.port()); WsClient polite = WsClient.connect(client, tight.port())) {
      for (int i = 0; i < 3; i++) {
        greedy.send(call("g" + i, "demo", "slow", new JsonObject().put("ms", 500)));
      }
      JsonObject third = greedy.next(3, 10_000).stream().filter(f -> "g2".equals(f.getString("request_id")))
        .findFirst().orElseThrow();
      assertThat(third.getString("code")).isEqualTo("OVERLOADED");
      assertThat(third.getString("error")).isEqualTo("Too many calls in flight on this connection (max 2)");
      assertThatThrownBy(() -> WsClient.connect(client, tight.port())).hasStackTraceContaining("503");
      polite.send(call("p1", "demo", "echo", new JsonObject().put("message", "fine")));
      assertThat(polite.next().getJsonObject("result").getString("message")).isEqualTo("fine");
    }
  }
}
