package dev.genapi.cluster;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("A seal")
class SealTest {

  private static final String JSON = "{\"service\":\"vault\",\"request_type\":\"secret\"}";
  private final Seal seal = Seal.of("writer-secret");

  @Test
  @DisplayName("opens what it sealed, for the same map and key only")
  void roundTrip() {
    String sealed = seal.seal("functions", "vault/secret/0.0.0", JSON);
    assertThat(sealed).endsWith("." + JSON).doesNotContain("writer-secret");
    assertThat(seal.open("functions", "vault/secret/0.0.0", sealed)).isEqualTo(JSON);
    assertThat(seal.open("functions", "vault/other/0.0.0", sealed)).isNull();
    assertThat(seal.open("services", "vault/secret/0.0.0", sealed)).isNull();
  }

  @Test
  @DisplayName("refuses plain JSON, a changed value, and a seal under another secret")
  void refusesForgeries() {
    String sealed = seal.seal("functions", "k", JSON);
    assertThat(seal.open("functions", "k", JSON)).isNull();
    assertThat(seal.open("functions", "k", sealed.replace("secret", "public"))).isNull();
    assertThat(seal.open("functions", "k", Seal.of("other").seal("functions", "k", JSON))).isNull();
    assertThat(seal.open("functions", "k", "x")).isNull();
    assertThat(seal.open("functions", "k", null)).isNull();
  }

  @Test
  @DisplayName("without a secret writes plain JSON and reads anything, sealed or not")
  void withoutSecret() {
    Seal none = Seal.of(null);
    assertThat(none.isKeyed()).isFalse();
    assertThat(none.seal("functions", "k", JSON)).isEqualTo(JSON);
    assertThat(none.open("functions", "k", JSON)).isEqualTo(JSON);
    assertThat(none.open("functions", "k", seal.seal("functions", "k", JSON))).isEqualTo(JSON);
    assertThat(none.matches(null, "anything")).isTrue();
  }

  @Test
  @DisplayName("MACs of parts tell the parts apart however they are split")
  void macOfParts() {
    assertThat(seal.mac("ab", "c")).isNotEqualTo(seal.mac("a", "bc"));
    assertThat(seal.matches(seal.mac("pull", "vault", "n1"), "pull", "vault", "n1")).isTrue();
    assertThat(seal.matches(seal.mac("pull", "vault", "n1"), "pull", "vault", "n2")).isFalse();
    assertThat(seal.matches(null, "pull")).isFalse();
  }
}
