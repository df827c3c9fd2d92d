package dev.genapi.api;

import java.util.List;

/**
 * Thrown when a {@link FunConfig} (or another configuration value) is invalid. It lists every problem found, not
 * only the first.
 */
public final class InvalidConfigException extends IllegalArgumentException {

  private final List<String> reasons;

  /**
   * @param reasons every problem found, in the order they were checked
   */
  public InvalidConfigException(List<String> reasons) {
    super(String.join("; ", reasons));
    this.reasons = List.copyOf(reasons);
  }

  /** @return every problem found */
  public List<String> reasons() {
    return reasons;
  }
}
