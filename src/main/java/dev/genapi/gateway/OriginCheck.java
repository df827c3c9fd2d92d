package dev.genapi.gateway;

import io.vertx.core.http.HttpServerRequest;

import java.util.List;
import java.util.Locale;

/**
 * Which web pages may use a gateway from a browser ({@code allowed_origins}): checked on every WebSocket, SockJS and
 * Phoenix request and on {@code /api/call}. A request without an {@code Origin} header (a non-browser client) passes;
 * with no origins configured, only the gateway's own origin (the host the request was sent to) passes; {@code *}
 * lets every origin in.
 */
final class OriginCheck {

  private final boolean any;
  private final List<String> allowed;

  OriginCheck(List<String> origins) {
    this.any = origins.contains("*");
    this.allowed = origins.stream().map(OriginCheck::normalise).toList();
  }

  /** @return whether the request's origin may use the gateway */
  boolean allows(HttpServerRequest request) {
    String origin = request.getHeader("Origin");
    if (origin == null || any) {
      return true;
    }
    String normalised = normalise(origin);
    if (allowed.isEmpty()) {
      String host = request.authority() == null ? null : request.authority().toString();
      return host != null && (normalised.equals("http://" + host.toLowerCase(Locale.ROOT))
        || normalised.equals("https://" + host.toLowerCase(Locale.ROOT)));
    }
    return allowed.contains(normalised);
  }

  private static String normalise(String origin) {
    String lower = origin.trim().toLowerCase(Locale.ROOT);
    return lower.endsWith("/") ? lower.substring(0, lower.length() - 1) : lower;
  }
}
