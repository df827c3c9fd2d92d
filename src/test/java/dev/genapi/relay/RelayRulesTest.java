package dev.genapi.relay;

import dev.genapi.api.GenApiException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Relay rules")
class RelayRulesTest {

  private static final String NOW = "2026-12-02T17:00:00Z";

  @Test
  @DisplayName("a full group refuses a new member, but a muted member of it may join again")
  void fullGroup() {
    Map<String, Group.Member> members = new LinkedHashMap<>();
    for (int i = 0; i < Relay.MAX_MEMBERS_PER_GROUP - 1; i++) {
      members.put("u" + i, new Group.Member(List.of("member"), Group.ACTIVE, "node/" + i, NOW));
    }
    members.put("muted", new Group.Member(List.of("member"), Group.MUTED, "node/x", NOW));
    Group full = new Group(Group.PUBLIC, members);
    assertThatThrownBy(() -> RelayRules.join(full, "newcomer", "node/y", NOW))
      .isInstanceOfSatisfying(GenApiException.class, e -> {
        assertThat(e.code().name()).isEqualTo("FAILED_PRECONDITION");
        assertThat(e.getMessage()).isEqualTo("A group has at most 20000 members");
      });
    RelayRules.Change rejoined = RelayRules.join(full, "muted", "node/z", NOW);
    assertThat(rejoined.next().members().get("muted").status()).isEqualTo(Group.ACTIVE);
    assertThat(RelayRules.join(full.without("u0"), "newcomer", "node/y", NOW).next().members())
      .hasSize(Relay.MAX_MEMBERS_PER_GROUP);
  }
}
