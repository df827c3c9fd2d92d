package dev.genapi.gateway;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * How a gateway identifies callers. In {@code none} mode (development) the {@code user_id} and {@code user_roles} a
 * client sends are taken as sent. In {@code jwt} mode a token (HS256 secret or RS256 public key) is verified when a
 * connection opens or a Phoenix channel is joined: its {@code sub} is the user_id and a claim (default {@code roles})
 * holds the roles; what the client sends is overwritten, and calls without an identity answer
 * {@code UNAUTHENTICATED} while {@code require_verified_user_id} is on. A token must carry {@code exp} (unless
 * {@code jwt_require_exp} is off), the configured issuer and one of the configured audiences; its expiry, give or take
 * the leeway, is checked when it is presented and again on every call of the connection it opened.
 */
public final class AuthOptions {

  /** Client-sent identity, for development. */
  public static final String MODE_NONE = "none";
  /** Identity from a verified JWT. */
  public static final String MODE_JWT = "jwt";
  /** Default claim holding the roles. */
  public static final String DEFAULT_ROLES_CLAIM = "roles";
  /** By default a token without {@code exp} is refused. */
  public static final boolean DEFAULT_REQUIRE_EXP = true;
  /**
   * Default leeway, in seconds, on {@code exp}, {@code iat} and {@code nbf}: a few seconds of clock skew between the
   * token issuer and the gateway.
   */
  public static final int DEFAULT_LEEWAY_S = 5;

  private String mode = MODE_NONE;
  private String jwtSecret;
  private String jwtPublicKey;
  private String rolesClaim = DEFAULT_ROLES_CLAIM;
  private boolean requireVerifiedUserId = true;
  private boolean requireExp = DEFAULT_REQUIRE_EXP;
  private String issuer;
  private List<String> audience = List.of();
  private int leewayS = DEFAULT_LEEWAY_S;

  /** Default options: {@code none} mode. */
  public AuthOptions() {
  }

  /**
   * @param json keys {@code auth_mode}, {@code jwt_secret}, {@code jwt_public_key} (path of a PEM file),
   *             {@code jwt_roles_claim}, {@code require_verified_user_id}, {@code jwt_require_exp},
   *             {@code jwt_issuer}, {@code jwt_audience} (a string or a list), {@code jwt_leeway_s}
   * @throws IllegalArgumentException on a value of the wrong type or range
   */
  public AuthOptions(JsonObject json) {
    setMode(json.getString("auth_mode", MODE_NONE));
    setJwtSecret(json.getString("jwt_secret"));
    setJwtPublicKey(json.getString("jwt_public_key"));
    setRolesClaim(json.getString("jwt_roles_claim", DEFAULT_ROLES_CLAIM));
    setRequireVerifiedUserId(json.getBoolean("require_verified_user_id", true));
    setRequireExp(json.getBoolean("jwt_require_exp", DEFAULT_REQUIRE_EXP));
    setIssuer(json.getString("jwt_issuer"));
    Object audience = json.getValue("jwt_audience");
    if (audience instanceof String single) {
      setAudience(List.of(single));
    } else if (audience instanceof JsonArray list) {
      setAudience(list.stream().map(value -> {
        if (!(value instanceof String name)) {
          throw new IllegalArgumentException("jwt_audience: " + value + " (expected: strings)");
        }
        return name;
      }).toList());
    } else if (audience != null) {
      throw new IllegalArgumentException("jwt_audience: " + audience + " (expected: a string or a list)");
    }
    setLeewayS(json.getInteger("jwt_leeway_s", DEFAULT_LEEWAY_S));
  }

  /** @return the JSON form, secrets left out */
  public JsonObject toJson() {
    return new JsonObject().put("auth_mode", mode).put("jwt_public_key", jwtPublicKey)
      .put("jwt_roles_claim", rolesClaim).put("require_verified_user_id", requireVerifiedUserId)
      .put("jwt_require_exp", requireExp).put("jwt_issuer", issuer).put("jwt_audience", new JsonArray(audience))
      .put("jwt_leeway_s", leewayS);
  }

  /** @return {@value #MODE_NONE} or {@value #MODE_JWT} */
  public String getMode() { return mode; }

  /** @param mode the auth mode @return a reference to this, so the API can be used fluently */
  public AuthOptions setMode(String mode) {
    if (!MODE_NONE.equals(mode) && !MODE_JWT.equals(mode)) {
      throw new IllegalArgumentException("auth_mode: " + mode + " (expected: none or jwt)");
    }
    this.mode = mode;
    return this;
  }

  /** @return the HS256 secret, or {@code null} */
  public String getJwtSecret() { return jwtSecret; }

  /** @param jwtSecret the HS256 secret @return a reference to this, so the API can be used fluently */
  public AuthOptions setJwtSecret(String jwtSecret) {
    this.jwtSecret = jwtSecret == null || jwtSecret.isEmpty() ? null : jwtSecret;
    return this;
  }

  /** @return the path of the RS256 public key (PEM), or {@code null} */
  public String getJwtPublicKey() { return jwtPublicKey; }

  /** @param path the PEM file of the RS256 public key @return a reference to this, so the API can be used fluently */
  public AuthOptions setJwtPublicKey(String path) {
    this.jwtPublicKey = path == null || path.isEmpty() ? null : path;
    return this;
  }

  /** @return the claim holding the roles */
  public String getRolesClaim() { return rolesClaim; }

  /** @param rolesClaim the roles claim @return a reference to this, so the API can be used fluently */
  public AuthOptions setRolesClaim(String rolesClaim) {
    this.rolesClaim = rolesClaim;
    return this;
  }

  /** @return whether calls without a verified identity are refused in {@code jwt} mode */
  public boolean isRequireVerifiedUserId() { return requireVerifiedUserId; }

  /** @param require refuse calls without identity @return a reference to this, so the API can be used fluently */
  public AuthOptions setRequireVerifiedUserId(boolean require) {
    this.requireVerifiedUserId = require;
    return this;
  }

  /** @return whether a token without {@code exp} is refused */
  public boolean isRequireExp() { return requireExp; }

  /**
   * @param requireExp refuse tokens without {@code exp} (default {@value #DEFAULT_REQUIRE_EXP}); such a token is
   *   otherwise valid for as long as its key is
   * @return a reference to this, so the API can be used fluently
   */
  public AuthOptions setRequireExp(boolean requireExp) {
    this.requireExp = requireExp;
    return this;
  }

  /** @return the issuer a token's {@code iss} must equal, or {@code null} when not checked */
  public String getIssuer() { return issuer; }

  /**
   * @param issuer the {@code iss} a token must carry, or {@code null} for no check
   * @return a reference to this, so the API can be used fluently
   */
  public AuthOptions setIssuer(String issuer) {
    this.issuer = issuer == null || issuer.isEmpty() ? null : issuer;
    return this;
  }

  /** @return the audiences of which a token's {@code aud} must hold one; empty when not checked */
  public List<String> getAudience() { return audience; }

  /**
   * @param audience the accepted audiences ({@code aud} must hold at least one), empty for no check
   * @return a reference to this, so the API can be used fluently
   */
  public AuthOptions setAudience(List<String> audience) {
    this.audience = List.copyOf(audience);
    return this;
  }

  /** @return the leeway on {@code exp}, {@code iat} and {@code nbf}, in seconds */
  public int getLeewayS() { return leewayS; }

  /**
   * @param leewayS the leeway on {@code exp}, {@code iat} and {@code nbf}, in seconds (default
   *   {@value #DEFAULT_LEEWAY_S}); an expired token is accepted for that long after its {@code exp}
   * @return a reference to this, so the API can be used fluently
   */
  public AuthOptions setLeewayS(int leewayS) {
    if (leewayS < 0) {
      throw new IllegalArgumentException("jwt_leeway_s: " + leewayS + " (expected: >= 0)");
    }
    this.leewayS = leewayS;
    return this;
  }
}
