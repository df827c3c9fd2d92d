package dev.genapi.cluster;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * An HMAC-SHA256 under a writer's secret, for what GenApi keeps in Hazelcast and what nodes answer to pulls: Hazelcast's
 * open-source edition lets any process that reaches its port and knows the cluster name read and write every map, so
 * a gateway only uses values sealed by a writer it trusts. A sealed value is {@code <mac>.<json>}; the MAC, in
 * unpadded base64url, covers the map's name, the entry's key and the JSON text, so a sealed value cannot be moved to
 * another key or map either. A seal without a secret writes plain JSON and, when reading, accepts any value.
 */
public final class Seal {

  private static final String ALGORITHM = "HmacSHA256";
  private static final byte[] CONTEXT = "genapi-seal-v1".getBytes(StandardCharsets.UTF_8);
  private static final int MAC_CHARS = 43;
  private static final Seal NONE = new Seal(null);

  private final SecretKeySpec key;

  private Seal(SecretKeySpec key) {
    this.key = key;
  }

  /**
   * @param secret the writer's secret (a push token, the admin token), or {@code null}
   * @return a seal under that secret, or the one that checks nothing when there is no secret
   */
  public static Seal of(String secret) {
    return secret == null || secret.isEmpty() ? NONE
      : new Seal(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM));
  }

  /** @return whether values must carry a valid MAC to be read */
  public boolean isKeyed() {
    return key != null;
  }

  /** @return the value to store: {@code <mac>.<json>}, or the JSON itself without a secret */
  public String seal(String map, String entryKey, String json) {
    return key == null ? json : mac(map, entryKey, json) + '.' + json;
  }

  /**
   * @return the JSON text of a stored value, or {@code null} when this seal has a secret and the value does not carry
   *     a valid MAC under it for this map and key; without a secret, any MAC is stripped unchecked
   */
  public String open(String map, String entryKey, String stored) {
    if (stored == null) {
      return null;
    }
    boolean sealed = stored.length() > MAC_CHARS && stored.charAt(MAC_CHARS) == '.';
    if (key == null) {
      return sealed ? stored.substring(MAC_CHARS + 1) : stored;
    }
    if (!sealed) {
      return null;
    }
    String json = stored.substring(MAC_CHARS + 1);
    return matches(stored.substring(0, MAC_CHARS), map, entryKey, json) ? json : null;
  }

  /** @return the MAC of those parts, unpadded base64url; {@code null} without a secret */
  public String mac(String... parts) {
    if (key == null) {
      return null;
    }
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      mac.update(CONTEXT);
      for (String part : parts) {
        byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
        mac.update((bytes.length + ":").getBytes(StandardCharsets.US_ASCII));
        mac.update(bytes);
      }
      return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(ALGORITHM + " is always available", e);
    }
  }

  /** @return whether the given MAC is that of those parts (always true without a secret), compared in constant time */
  public boolean matches(String given, String... parts) {
    return key == null || given != null && MessageDigest.isEqual(
      mac(parts).getBytes(StandardCharsets.US_ASCII), given.getBytes(StandardCharsets.US_ASCII));
  }
}
