package dev.genapi.api;

/**
 * How a function answers: the flows of frames a client receives.
 */
public enum ResponseType {
  /** One response with the result. */
  SYNC,
  /** An acknowledgement at once, the result later. */
  ASYNC,
  /** An acknowledgement ({@code "init"}), one frame per chunk, then an end frame. */
  STREAM,
  /** No frame on success; errors are still sent. */
  NONE;

  /** @return the JSON name ({@code sync}, {@code async}, {@code stream}, {@code none}) */
  public String jsonName() {
    return name().toLowerCase();
  }

  /**
   * @param name a JSON name
   * @return the matching type, or {@code null} when the name is unknown
   */
  public static ResponseType fromJson(Object name) {
    for (ResponseType type : values()) {
      if (type.jsonName().equals(name)) {
        return type;
      }
    }
    return null;
  }
}
