package dev.genapi.config;

import dev.genapi.cluster.Seal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each service's push token: what a writer of that service's functions must show (pushes, enable, disable, delete
 * over the bus), what a node's pull answers are sealed with, and the seal of the service's entries in the registry.
 * A service without a token may be written by anyone, and its entries are read unchecked.
 */
final class ServiceTokens {

  private final ConfigOptions options;
  private final Map<String, Seal> seals = new ConcurrentHashMap<>();

  ServiceTokens(ConfigOptions options) {
    this.options = options;
  }

  /** @return whether the given token authorises writing that service, compared in constant time */
  boolean accepts(String service, String given) {
    String token = options.pushTokenFor(service);
    return token == null || given != null
      && MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
  }

  /** @return the seal of that service's registry entries and pull answers */
  Seal seal(String service) {
    return seals.computeIfAbsent(service, s -> Seal.of(options.pushTokenFor(s)));
  }
}
