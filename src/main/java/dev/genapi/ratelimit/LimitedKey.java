package dev.genapi.ratelimit;

import dev.genapi.api.InvalidConfigException;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One key value under the limits of one scope and key: what a key's state and a reset name, such as the user
 * {@code alice} under the global {@code user_id} limits.
 *
 * @param scope the limits' scope
 * @param key the limits' key: {@code user_id}, {@code device_id}, {@code ip_address} or the name of an arg
 * @param value the key's value as calls carry it (an arg's number in its JSON text, such as {@code 42})
 */
public record LimitedKey(LimitScope scope, String key, String value) {

  /**
   * @throws IllegalArgumentException when the key or the value is empty
   */
  public LimitedKey {
    Objects.requireNonNull(scope, "scope");
    if (key == null || key.isEmpty() || value == null || value.isEmpty()) {
      throw new IllegalArgumentException("key and value must be non-empty");
    }
  }

  /**
   * Reads a key from the admin API's query parameters or body.
   *
   * @param scope {@code global} or {@code <service>/<request_type>}
   * @param key the limits' key
   * @param value the key's value: a string, or a number as an arg may carry it
   * @return the key
   * @throws InvalidConfigException listing every problem
   */
  public static LimitedKey of(Object scope, Object key, Object value) {
    List<String> errors = new ArrayList<>();
    LimitScope parsed = null;
    try {
      parsed = LimitScope.parse(scope);
    } catch (IllegalArgumentException e) {
      errors.add(e.getMessage());
    }
    if (!(key instanceof String k && !k.isEmpty())) {
      errors.add("key is required: user_id, device_id, ip_address or the name of an arg");
    }
    String text = value instanceof Number ? value.toString() : value instanceof String s ? s : null;
    if (text == null || text.isEmpty()) {
      errors.add("value is required: the key's value, a string or a number (such as the user_id)");
    }
    if (!errors.isEmpty()) {
      throw new InvalidConfigException(errors);
    }
    return new LimitedKey(parsed, (String) key, text);
  }

  /** @return whether the limit has this key's scope and key */
  public boolean covers(RateLimit limit) {
    return scope.covers(limit) && key.equals(limit.key());
  }
}
