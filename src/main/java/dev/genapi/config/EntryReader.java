package dev.genapi.config;

import dev.genapi.api.FunConfig;
import dev.genapi.cluster.Addresses;
import dev.genapi.cluster.Seal;
import io.vertx.core.json.JsonObject;

/**
 * Reads the function map's entries as a gateway may serve them: the FunConfig must parse, sit under its own key, and,
 * when its service has a push token, carry a valid seal under that token. Anything else is rejected, never served.
 */
final class EntryReader {

  private static final Seal UNCHECKED = Seal.of(null);

  private final ServiceTokens tokens;
  private final RejectedEntries rejected;

  EntryReader(ServiceTokens tokens, RejectedEntries rejected) {
    this.tokens = tokens;
    this.rejected = rejected;
  }

  /** @return the FunConfig to serve, or {@code null} when the entry is rejected */
  FunConfig read(String key, String stored) {
    String json = UNCHECKED.open(Addresses.FUNCTIONS_MAP, key, stored);
    FunConfig config;
    try {
      config = FunConfig.fromJson(new JsonObject(json));
    } catch (RuntimeException e) {
      rejected.reject(key, json, "not a valid FunConfig: " + e.getMessage());
      return null;
    }
    if (!config.key().equals(key)) {
      rejected.reject(key, json, "stored under the key of another function");
      return null;
    }
    if (tokens.seal(config.service()).open(Addresses.FUNCTIONS_MAP, key, stored) == null) {
      rejected.reject(key, json, "not written by an authorised writer: its seal does not verify under the push token"
        + " of service " + config.service());
      return null;
    }
    return config;
  }
}
