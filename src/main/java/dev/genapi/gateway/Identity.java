package dev.genapi.gateway;

import java.util.List;

/**
 * A caller verified by the gateway: the token's subject, roles and expiry.
 *
 * @param userId the user id ({@code sub})
 * @param roles the roles claim
 * @param expiresAtMs the token's {@code exp} in epoch milliseconds, or {@link #NO_EXPIRY}
 */
record Identity(String userId, List<String> roles, long expiresAtMs) {

  /** The expiry of a token without {@code exp}. */
  static final long NO_EXPIRY = Long.MAX_VALUE;
}
