package dev.genapi.gateway;

import io.vertx.core.json.JsonObject;

/**
 * How a gateway identifies callers. In {@code none} mode (development) the {@code user_id} and {@code user_roles} a
 * client sends are taken as sent. In {@code jwt} mode a token (HS256 secret or RS256 public key) is verified when a
 * connection opens or a Phoenix channel is joined: its {@code sub} is the user_id and a claim (default {@code roles})
 * holds the roles; what the client sends is overwritten, and calls without an identity answer
 * {@code UNAUTHENTICATED} while {@code require_verified_user_id} is on.
 */
public final class AuthOptions {

  /** Client-sent identity, for development. */
  public static final String MODE_NONE = "none";
  /** Identity from a verified JWT. */
  public static final String MODE_JWT = "jwt";
  /** Default claim holding the roles. */
  public static final String DEFAULT_ROLES_CLAIM = "roles";

  private String mode = MODE_NONE;
  private String jwtSecret;
  private String jwtPublicKey;
  private String rolesClaim = DEFAULT_ROLES_CLAIM;
  private boolean requireVerifiedUserId = true;

  /** Default options: {@code none} mode. */
  public AuthOptions() {
  }

  /**
   * @param json keys {@code auth_mode}, {@code jwt_secret}, {@code jwt_public_key} (path of a PEM file),
   *             {@code jwt_roles_claim}, {@code require_verified_user_id}
   */
  public AuthOptions(JsonObject json) {
    setMode(json.getString("auth_mode", MODE_NONE));
    setJwtSecret(json.getString("jwt_secret"));
    setJwtPublicKey(json.getString("jwt_public_key"));
    setRolesClaim(json.getString("jwt_roles_claim", DEFAULT_ROLES_CLAIM));
    setRequireVerifiedUserId(json.getBoolean("require_verified_user_id", true));
  }

  /** @return the JSON form, secrets left out */
  public JsonObject toJson() {
    return new JsonObject().put("auth_mode", mode).put("jwt_public_key", jwtPublicKey)
      .put("jwt_roles_claim", rolesClaim).put("require_verified_user_id", requireVerifiedUserId);
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
}
