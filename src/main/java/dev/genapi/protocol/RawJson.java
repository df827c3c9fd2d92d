package dev.genapi.protocol;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;

/**
 * A JSON value kept in its encoded form, so a gateway can splice a node's result into a response frame without
 * decoding and re-encoding it.
 *
 * @param bytes the UTF-8 JSON text of one value
 */
public record RawJson(Buffer bytes) {

  /** @return the decoded value ({@code JsonObject}, {@code JsonArray}, string, number, boolean or null) */
  public Object decode() {
    return bytes.length() == 0 ? null : Json.decodeValue(bytes);
  }

  /**
   * @param value a JSON value
   * @return its encoded form
   */
  public static RawJson encode(Object value) {
    return new RawJson(Json.encodeToBuffer(value));
  }
}
