package dev.genapi.config;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("SemVer ordering")
class SemVerTest {

  @Test
  @DisplayName("orders releases numerically and pre-releases below their release, as SemVer 2.0 says")
  void ordering() {
    List<String> expected = List.of("1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
      "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.2.0", "2.0.0", "10.0.0");
    List<String> shuffled = new ArrayList<>(expected);
    Collections.shuffle(shuffled);
    shuffled.sort(SemVer.ORDER);
    assertThat(shuffled).containsExactlyElementsOf(expected);
  }

  @Test
  @DisplayName("ignores build metadata and ranks a string that is not SemVer as 0.0.0")
  void buildAndInvalid() {
    assertThat(SemVer.compare("1.0.0+build.5", "1.0.0")).isZero();
    assertThat(SemVer.compare("banana", "0.0.0")).isZero();
    assertThat(SemVer.compare("banana", "0.0.1")).isNegative();
    assertThat(SemVer.compare("9.0.0", "10.0.0")).isNegative();
  }
}
