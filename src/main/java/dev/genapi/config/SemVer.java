package dev.genapi.config;

import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SemVer 2.0 ordering of version strings: MAJOR.MINOR.PATCH, a pre-release ranks below its release and compares
 * identifier by identifier (numeric ones numerically, and below alphanumeric ones), build metadata is ignored. A
 * string that is not SemVer ranks as {@code 0.0.0}, as in the original.
 */
public final class SemVer {

  /** Orders version strings from lowest to highest. */
  public static final Comparator<String> ORDER = SemVer::compare;

  private static final Pattern FORMAT =
    Pattern.compile("^v?(\\d+)\\.(\\d+)\\.(\\d+)(?:-([0-9A-Za-z.-]+))?(?:\\+[0-9A-Za-z.-]+)?$");

  private SemVer() {
  }

  /**
   * @return a negative number, zero or a positive number as {@code a} is lower, equal or higher than {@code b}
   */
  public static int compare(String a, String b) {
    Matcher x = parse(a);
    Matcher y = parse(b);
    for (int group = 1; group <= 3; group++) {
      int c = compareNumbers(x == null ? "0" : x.group(group), y == null ? "0" : y.group(group));
      if (c != 0) {
        return c;
      }
    }
    return comparePreRelease(x == null ? null : x.group(4), y == null ? null : y.group(4));
  }

  private static Matcher parse(String version) {
    Matcher matcher = version == null ? null : FORMAT.matcher(version);
    return matcher != null && matcher.matches() ? matcher : null;
  }

  private static int comparePreRelease(String a, String b) {
    if (a == null || b == null) {
      return a == null ? (b == null ? 0 : 1) : -1;
    }
    String[] x = a.split("\\.");
    String[] y = b.split("\\.");
    for (int i = 0; i < Math.min(x.length, y.length); i++) {
      boolean xNumeric = x[i].chars().allMatch(Character::isDigit);
      boolean yNumeric = y[i].chars().allMatch(Character::isDigit);
      int c = xNumeric && yNumeric ? compareNumbers(x[i], y[i])
        : xNumeric ? -1 : yNumeric ? 1 : x[i].compareTo(y[i]);
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(x.length, y.length);
  }

  private static int compareNumbers(String a, String b) {
    String x = a.replaceFirst("^0+(?=\\d)", "");
    String y = b.replaceFirst("^0+(?=\\d)", "");
    return x.length() != y.length() ? Integer.compare(x.length(), y.length()) : x.compareTo(y);
  }
}
