package dev.genapi.gateway;

import dev.genapi.api.ErrorCode;
import dev.genapi.api.GenApiException;
import dev.genapi.protocol.Request;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
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
 */
final class Authenticator {

  private final AuthOptions options;
  private final JWTAuth jwt;

  private Authenticator(AuthOptions options, JWTAuth jwt) {
    this.options = options;
    this.jwt = jwt;
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
   *   forged token
   */
  Future<Identity> authenticate(String token) {
    if (jwt == null || token == null || token.isEmpty()) {
      return Future.succeededFuture();
    }
    return jwt.authenticate(new TokenCredentials(token)).map(user -> {
      JsonObject claims = user.attributes().getJsonObject("accessToken", user.principal());
      Object roles = claims.getValue(options.getRolesClaim());
      List<String> list = roles instanceof JsonArray array
        ? array.stream().filter(String.class::isInstance).map(String.class::cast).toList() : List.of();
      return new Identity(claims.getString("sub"), list);
    });
  }

  /**
   * @return the call with the verified identity in {@code jwt} mode (the client's user_id and roles overwritten), as
   *   sent in {@code none} mode
   * @throws GenApiException {@code UNAUTHENTICATED} when {@code jwt} mode needs an identity and there is none
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
    return request.withIdentity(identity.userId(), identity.roles());
  }
}
