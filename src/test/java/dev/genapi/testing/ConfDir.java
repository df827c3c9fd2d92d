package dev.genapi.testing;

import dev.genapi.cluster.ClusterOptions;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * A conf folder for launcher JVMs ({@code --conf <dir>}): the repository's {@code conf/gateway.json} and
 * {@code conf/node.json} with some keys changed, and a {@code cluster.json} written from the test's cluster options,
 * so that settings without a flag reach the JVMs the way an operator sets them.
 */
public final class ConfDir {

  private ConfDir() {
  }

  /**
   * @param cluster the cluster every JVM joins
   * @param node keys that replace those of {@code conf/node.json}
   * @return the folder, under {@code target/}
   */
  public static String create(ClusterOptions cluster, JsonObject node) {
    try {
      Path dir = Files.createDirectories(Path.of("target", "conf-" + UUID.randomUUID()));
      Files.writeString(dir.resolve("cluster.json"), cluster.toJson().encodePrettily());
      Files.copy(Path.of("conf", "gateway.json"), dir.resolve("gateway.json"));
      JsonObject nodeJson = new JsonObject(Files.readString(Path.of("conf", "node.json"))).mergeIn(node);
      Files.writeString(dir.resolve("node.json"), nodeJson.encodePrettily());
      return dir.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
