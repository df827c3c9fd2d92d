package dev.genapi.api;

/**
 * The declared type of one function argument ({@code arg_types} values).
 */
public enum ArgType {
  STRING, NUM, BOOLEAN, UUID, DATETIME, MAP, ANY, LIST, LIST_STRING, LIST_NUM, LIST_UUID, LIST_MAP;

  /** @return the JSON name, e.g. {@code list_string} */
  public String jsonName() {
    return name().toLowerCase();
  }

  /** @return whether values of this type are lists (so {@code max_items} applies) */
  public boolean isList() {
    return name().startsWith("LIST");
  }

  /**
   * @param name a JSON name
   * @return the matching type, or {@code null} when the name is unknown
   */
  public static ArgType fromJson(Object name) {
    for (ArgType type : values()) {
      if (type.jsonName().equals(name)) {
        return type;
      }
    }
    return null;
  }
}
