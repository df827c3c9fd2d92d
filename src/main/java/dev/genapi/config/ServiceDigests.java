package dev.genapi.config;

import dev.genapi.api.FunConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * How a gateway tells whether the registry still holds a service's functions as they were registered. A service
 * record lists its function keys and a digest of each FunConfig as stored; the {@code disabled} flag is left out of
 * the digest, as it belongs to operators. An entry that is missing, unreadable or different is damaged.
 */
final class ServiceDigests {

  private static final String DISABLED = "disabled";

  private ServiceDigests() {
  }

  /** @return the digest of a stored FunConfig, or {@code "invalid"} when it is not JSON */
  static String digest(String json) {
    JsonObject function;
    try {
      function = new JsonObject(json);
    } catch (RuntimeException e) {
      return "invalid";
    }
    function.remove(DISABLED);
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(function.encode().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }

  /** @return the digest of each stored FunConfig, by key */
  static JsonObject digests(Map<String, String> functions) {
    JsonObject digests = new JsonObject();
    functions.forEach((key, json) -> digests.put(key, digest(json)));
    return digests;
  }

  /** @return the function keys a service record lists */
  static List<String> keys(JsonObject record) {
    return record.getJsonArray("functions", new JsonArray()).stream().map(String::valueOf).toList();
  }

  /**
   * @param record a service record
   * @param stored the registry's entries of the record's keys (absent keys are missing)
   * @return the keys whose entry is missing or differs from the record's digest
   */
  static List<String> damaged(JsonObject record, Map<String, String> stored) {
    JsonObject digests = record.getJsonObject("digests", new JsonObject());
    List<String> damaged = new ArrayList<>();
    for (String key : keys(record)) {
      String json = stored.get(key);
      String expected = digests.getString(key);
      if (json == null || expected != null && !expected.equals(digest(json))) {
        damaged.add(key);
      }
    }
    return damaged;
  }

  /**
   * @param pushed a FunConfig as the node pushes it
   * @param stored the damaged entry, or {@code null}
   * @return the FunConfig to store again: the pushed one, still disabled if an operator had disabled it
   */
  static String restored(String pushed, String stored) {
    if (stored == null || !disabled(stored)) {
      return pushed;
    }
    return FunConfig.fromJson(new JsonObject(pushed)).withDisabled(true).toJson().encode();
  }

  private static boolean disabled(String json) {
    try {
      return new JsonObject(json).getBoolean(DISABLED, false);
    } catch (RuntimeException e) {
      return false;
    }
  }

  /**
   * @param record a service record
   * @param restored the entries stored again, by key
   * @param lost damaged keys the push could not restore
   * @return the record without the lost keys and with the digests of the restored entries
   */
  static JsonObject repaired(JsonObject record, Map<String, String> restored, Collection<String> lost) {
    JsonObject digests = record.getJsonObject("digests", new JsonObject()).copy();
    restored.forEach((key, json) -> digests.put(key, digest(json)));
    lost.forEach(digests::remove);
    List<String> keys = keys(record).stream().filter(key -> !lost.contains(key)).toList();
    return record.copy().put("functions", new JsonArray(keys)).put("digests", digests)
      .put("updated_at", System.currentTimeMillis());
  }

  /** @return the record without that function */
  static JsonObject without(JsonObject record, String key) {
    return repaired(record, Map.of(), List.of(key));
  }
}
