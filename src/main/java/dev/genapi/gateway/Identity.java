package dev.genapi.gateway;

import java.util.List;

/**
 * A caller verified by the gateway: the token's subject and roles.
 *
 * @param userId the user id ({@code sub})
 * @param roles the roles claim
 */
record Identity(String userId, List<String> roles) {
}
