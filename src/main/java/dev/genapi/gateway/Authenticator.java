package dev.genapi.gateway;

import dev.genapi.api.ErrorCode;
import dev.genapi.api.GenApiException;
import dev.genapi.protocol.Request;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.auth.PubSecKeyOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Verifies callers' tokens ({@code Authorization: Bearer}, {@code ?token=}, or Phoenix join params) and applies the
 * identity to their calls, as {@link AuthOptions} says.
 * <p>
 * Vert.x's {@link JWTAuth} checks the signature, {@code aud}, {@code iss}, and {@code exp}, {@code iat} and
 * {@code nbf} within the leeway, but accepts a token without {@code exp} forever; {@link #authenticate} refuses
 * one unless {@code jwt_require_exp} is off, and {@link #apply} refuses the calls of a connection whose token has
 * expired since.
 */
final class Authenticator {

  /** The message of the {@code UNAUTHENTICATED} failure of a call whose connection's token has expired. */
  static final String TOKEN_EXPIRED = "Token expired";

  private final AuthOptions options;
  private final JWTAuth jwt;
  private final long leewayMs;

  private Authenticator(AuthOptions options, JWTAuth jwt) {
    this.options = options;
    this.jwt = jwt;
    this.leewayMs = options.getLeewayS() * 1000L;
  }

  static Authenticator create(Vertx vertx, AuthOptions options) {
    if (!AuthOptions.MODE_JWT.equals(options.getMode())) {
      return new Authenticator(options, null);
    }
    JWTAuthOptions jwtOptions = new JWTAuthOptions();
    if (options.getJwtSecret() != null) {
      jwtOptions.addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(options.getJwtSecret()));
    }
    if (options.getJwtPublicKey() != null) {
      try {
        jwtOptions.addPubSecKey(new PubSecKeyOptions().setAlgorithm("RS256")
          .setBuffer(Files.readString(Path.of(options.getJwtPublicKey()))));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the JWT public key " + options.getJwtPublicKey(), e);
      }
    }
    if (jwtOptions.getPubSecKeys().isEmpty()) {
      throw new IllegalArgumentException("auth_mode jwt needs jwt_secret or jwt_public_key");
    }
    JWTOptions checks = new JWTOptions().setLeeway(options.getLeewayS()).setIssuer(options.getIssuer());
    if (!options.getAudience().isEmpty()) {
      // Vert.x refuses every token when given an empty list
      checks.setAudience(options.getAudience());
    }
    jwtOptions.setJWTOptions(checks);
    return new Authenticator(options, JWTAuth.create(vertx, jwtOptions));
  }

  /** @return the token a client sent with an HTTP request or upgrade, or {@code null} */
  static String tokenOf(HttpServerRequest request) {
    return tokenOf(request.getHeader("Authorization"), request.getParam("token"));
  }

  /**
   * @param authorization the {@code Authorization} header, or {@code null}
   * @param queryToken the {@code token} query parameter, or {@code null}
   * @return the bearer token of the header, else the query parameter
   */
  static String tokenOf(String authorization, String queryToken) {
    if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return authorization.substring(7).trim();
    }
    return queryToken;
  }

  /**
   * @param token the client's token, or {@code null}
   * @return the identity ({@code null} without a token or in {@code none} mode); a failed future for an expired or
   *   forged token, a wrong issuer or audience, or no {@code exp} while it is required
   */
  Future<Identity> authenticate(String token) {
    if (jwt == null || token == null || token.isEmpty()) {
      return Future.succeededFuture();
    }
    return jwt.authenticate(new TokenCredentials(token)).compose(user -> {
      JsonObject claims = user.attributes().getJsonObject("accessToken", user.principal());
      if (!(claims.getValue("exp") instanceof Number exp)) {
        return options.isRequireExp() ? Future.failedFuture("Invalid JWT token: no exp")
          : Future.succeededFuture(identity(claims, Identity.NO_EXPIRY));
      }
      long seconds = exp.longValue();
      return Future.succeededFuture(identity(claims, seconds < Identity.NO_EXPIRY / 1000 ? seconds * 1000
        : Identity.NO_EXPIRY));
    });
  }

  private Identity identity(JsonObject claims, long expiresAtMs) {
    Object roles = claims.getValue(options.getRolesClaim());
    List<String> list = roles instanceof JsonArray array
      ? array.stream().filter(String.class::isInstance).map(String.class::cast).toList() : List.of();
    return new Identity(claims.getString("sub"), list, expiresAtMs);
  }

  /**
   * @return the call with the verified identity in {@code jwt} mode (the client's user_id and roles overwritten), as
   *   sent in {@code none} mode
   * @throws GenApiException {@code UNAUTHENTICATED} when {@code jwt} mode needs an identity and there is none, or
   *   ({@link #TOKEN_EXPIRED}) when the identity's token has expired: now, less the leeway, is at or past its
   *   {@code exp}, as {@link JWTAuth} counts it
   */
  Request apply(Request request, Identity identity) {
    if (jwt == null) {
      return request;
    }
    if (identity == null || identity.userId() == null) {
      if (options.isRequireVerifiedUserId()) {
        throw new GenApiException(ErrorCode.UNAUTHENTICATED, "Authentication required");
      }
      return request.withIdentity(null, List.of());
    }
    if (System.currentTimeMillis() - leewayMs >= identity.expiresAtMs()) {
      throw new GenApiException(ErrorCode.UNAUTHENTICATED, TOKEN_EXPIRED);
    }
    return request.withIdentity(identity.userId(), identity.roles());
  }

  /**
   * @param failure a call's failure
   * @return whether {@link #apply} refused the call because the connection's token has expired
   */
  static boolean isExpired(GenApiException failure) {
    return failure.code() == ErrorCode.UNAUTHENTICATED && TOKEN_EXPIRED.equals(failure.getMessage());
  }
}
