package dev.genapi.testing;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

/** HS256 tokens for tests of gateways in {@code auth_mode: jwt}, signed with {@link #SECRET} or another secret. */
public final class Jwts {

  /** The secret the tests' JWT gateways verify tokens with. */
  public static final String SECRET = "test-secret-of-enough-length-0123456789";

  private Jwts() {
  }

  /** @return a token signed with that secret, for that subject and roles, expiring in seconds */
  public static String token(Vertx vertx, String secret, String subject, JsonArray roles, long expiresInSeconds) {
    return sign(vertx, secret, claims(subject).put("roles", roles).put("exp", nowS() + expiresInSeconds));
  }

  /** @return a token with exactly those claims, signed HS256 with that secret */
  public static String sign(Vertx vertx, String secret, JsonObject claims) {
    JWTAuth jwt = JWTAuth.create(vertx, new JWTAuthOptions()
      .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret)));
    return jwt.generateToken(claims, new JWTOptions().setAlgorithm("HS256").setNoTimestamp(true));
  }

  /** @return the claims sub and iat (two minutes ago), and no exp */
  public static JsonObject claims(String subject) {
    return new JsonObject().put("sub", subject).put("iat", nowS() - 120);
  }

  /** @return now, in seconds since the epoch */
  public static long nowS() {
    return System.currentTimeMillis() / 1000;
  }
}
