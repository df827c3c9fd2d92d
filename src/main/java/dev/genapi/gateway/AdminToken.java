package dev.genapi.gateway;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** The gateway's admin token, compared in constant time with the bearer token of a request. */
final class AdminToken {

  private final byte[] token;

  AdminToken(String token) {
    this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
  }

  /** @return whether an admin token is configured (without one, the admin API and the MCP admin tools are off) */
  boolean configured() {
    return token != null;
  }

  /**
   * @param authorization an {@code Authorization} header, or {@code null}
   * @return whether it is {@code Bearer <the admin token>}
   */
  boolean matches(String authorization) {
    byte[] given = authorization != null && authorization.startsWith("Bearer ")
      ? authorization.substring(7).getBytes(StandardCharsets.UTF_8) : new byte[0];
    return token != null && MessageDigest.isEqual(token, given);
  }
}
