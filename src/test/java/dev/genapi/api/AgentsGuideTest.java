package dev.genapi.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code AGENTS.md} names exactly what the code has: its tables of FunConfig fields, argument options, argument types
 * and error codes list every one the code knows, and nothing else.
 */
@DisplayName("AGENTS.md agrees with the code")
class AgentsGuideTest {

  private static final Pattern ROW = Pattern.compile("^\\| `([a-z_A-Z]+)` \\|", Pattern.MULTILINE);
  private static String guide;

  @BeforeAll
  static void read() throws IOException {
    guide = Files.readString(Path.of("AGENTS.md"));
  }

  @Test
  @DisplayName("every FunConfig field, and only those")
  void funConfigFields() {
    FunConfig full = FunConfig.fromJson(new JsonObject().put("service", "s").put("request_type", "t")
      .put("nodes", new JsonArray().add("n"))
      .put("permission_callback", new JsonObject().put("service", "s").put("request_type", "may"))
      .put("retry", 1).put("before_hook", "b").put("after_hook", "a"));
    assertThat(names("FunConfig fields")).isEqualTo(new LinkedHashSet<>(full.toJson().fieldNames()));
  }

  @Test
  @DisplayName("every argument option, and only those")
  void argumentOptions() {
    JsonObject spec = (JsonObject) ArgSpec.parse("a", new JsonObject().put("type", "map").put("max_bytes", 9)
      .put("default", new JsonObject()).put("required", new JsonArray().add("k")).put("accept", new JsonArray()
        .add("k")), new ArrayList<>()).toJson();
    assertThat(names("Argument options")).isEqualTo(new LinkedHashSet<>(spec.fieldNames()));
  }

  @Test
  @DisplayName("every argument type, and only those")
  void argumentTypes() {
    assertThat(names("Argument types")).isEqualTo(Arrays.stream(ArgType.values()).map(ArgType::jsonName)
      .collect(Collectors.toCollection(LinkedHashSet::new)));
  }

  @Test
  @DisplayName("every error code, and only those")
  void errorCodes() {
    assertThat(names("Error codes")).isEqualTo(Arrays.stream(ErrorCode.values()).map(ErrorCode::name)
      .collect(Collectors.toCollection(LinkedHashSet::new)));
  }

  /** @return the backticked names in the first column of the section's table */
  private static Set<String> names(String section) {
    int start = guide.indexOf("\n## " + section + "\n");
    assertThat(start).as("section " + section).isNotNegative();
    int end = guide.indexOf("\n## ", start + 1);
    Matcher rows = ROW.matcher(guide.substring(start, end < 0 ? guide.length() : end));
    Set<String> names = new LinkedHashSet<>();
    while (rows.find()) {
      names.add(rows.group(1));
    }
    return names;
  }
}
