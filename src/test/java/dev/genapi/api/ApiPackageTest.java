package dev.genapi.api;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The public api package")
class ApiPackageTest {

  private static final Pattern GENAPI_IMPORT = Pattern.compile("^import (static )?(dev\\.genapi\\.[\\w.]+);",
    Pattern.MULTILINE);

  @Test
  @DisplayName("imports nothing else of GenApi's, so embedders and service authors depend on it alone")
  void importsOnlyItself() throws IOException {
    List<String> outside;
    try (Stream<Path> sources = Files.list(Path.of("src/main/java/dev/genapi/api"))) {
      outside = sources.filter(path -> path.toString().endsWith(".java")).flatMap(ApiPackageTest::imports)
        .filter(imported -> !imported.startsWith("dev.genapi.api.")).toList();
    }
    assertThat(outside).isEmpty();
  }

  private static Stream<String> imports(Path source) {
    try {
      Matcher matcher = GENAPI_IMPORT.matcher(Files.readString(source));
      Stream.Builder<String> found = Stream.builder();
      while (matcher.find()) {
        found.add(matcher.group(2));
      }
      return found.build();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
