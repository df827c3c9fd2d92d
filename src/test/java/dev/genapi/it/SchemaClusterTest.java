package dev.genapi.it;

import dev.genapi.gateway.GatewayOptions;
import dev.genapi.testing.DemoCluster;
import dev.genapi.testing.Http;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.openapi.contract.OpenAPIContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /api/schema} and {@code GET /api/schema/openapi.json} of a gateway serving the demo, checked with
 * Vert.x's own JSON Schema validator (draft 2020-12) and OpenAPI contract loader: every function's sample call is
 * valid against its schemas, an undeclared argument is not, and the OpenAPI document is a valid 3.1 contract (less the
 * {@code application/x-ndjson} answers of streams, a media type the loader does not take).
 */
@DisplayName("The schema of every function, and the OpenAPI document of /api/call")
@ExtendWith(VertxExtension.class)
class SchemaClusterTest {

  private static DemoCluster cluster;
  private static Http http;

  @BeforeAll
  static void start(VertxTestContext test) {
    DemoCluster.open(new GatewayOptions()).onComplete(test.succeeding(started -> {
      cluster = started;
      http = new Http(cluster.clients(), cluster.port());
      test.completeNow();
    }));
  }

  @AfterAll
  static void stop(VertxTestContext test) {
    http.shutdown().eventually(cluster::shutdown).onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("every function's sample args are valid against its args schema; an undeclared argument is not")
  void argsSchemas(VertxTestContext test) {
    Future.all(http.fetch("/api/schema", null), samples()).map(both -> {
      JsonObject document = both.<Http.Reply>resultAt(0).json();
      Map<String, JsonObject> samples = both.resultAt(1);
      assertThat(document.getString("$schema")).isEqualTo("https://json-schema.org/draft/2020-12/schema");
      List<JsonObject> functions = document.getJsonArray("functions").stream().map(JsonObject.class::cast).toList();
      assertThat(functions).hasSize(samples.size()).hasSizeGreaterThan(10);
      for (JsonObject function : functions) {
        String key = key(function);
        JsonObject args = function.getJsonObject("args");
        assertThat(valid(args, samples.get(key).getJsonObject("args"))).as(key + " sample").isTrue();
        if (args.containsKey("properties")) {
          assertThat(valid(args, samples.get(key).getJsonObject("args").copy().put("undeclared", 1)))
            .as(key + " with an undeclared argument").isFalse();
        }
      }
      JsonObject echo = functions.stream().filter(f -> "echo".equals(f.getString("request_type"))).findFirst()
        .orElseThrow();
      assertThat(echo.getJsonObject("args")).isEqualTo(new JsonObject().put("type", "object")
        .put("properties", new JsonObject().put("message", new JsonObject().put("type", "string")
          .put("x-genapi-max-bytes", 3000)))
        .put("required", new JsonArray().add("message")).put("additionalProperties", false));
      assertThat(echo.getString("description")).isEqualTo("Answers its arguments as they came.");
      assertThat(valid(echo.getJsonObject("result"), new JsonObject().put("message", "hi"))).isTrue();
      assertThat(valid(echo.getJsonObject("result"), new JsonObject())).as("a result without message").isFalse();
      return document;
    }).onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("the OpenAPI document is a valid 3.1 contract whose call schemas accept each function's sample call")
  void openApi(VertxTestContext test) {
    Future.all(http.fetch("/api/schema/openapi.json", null), samples()).compose(both -> {
      JsonObject document = both.<Http.Reply>resultAt(0).json();
      Map<String, JsonObject> samples = both.resultAt(1);
      JsonObject schemas = document.getJsonObject("components").getJsonObject("schemas");
      samples.forEach((key, sample) -> {
        JsonObject call = schemas.getJsonObject("call." + key.replace('/', '.'));
        assertThat(call).as("the call schema of " + key).isNotNull();
        assertThat(valid(call, sample)).as(key + " sample call").isTrue();
        assertThat(valid(call, sample.copy().put("service", "elsewhere"))).as(key + " for another service").isFalse();
      });
      return OpenAPIContract.from(cluster.clients(), withoutNdjson(document));
    }).map(contract -> {
      assertThat(contract.operation("call")).isNotNull();
      assertThat(contract.operation("call").getOpenAPIPath()).isEqualTo("/api/call");
      return contract;
    }).onComplete(test.succeedingThenComplete());
  }

  // vertx-openapi loads only the media types it can validate; a stream's application/x-ndjson answer is not one
  private static JsonObject withoutNdjson(JsonObject document) {
    JsonObject copy = document.copy();
    JsonObject responses = copy.getJsonObject("paths").getJsonObject("/api/call").getJsonObject("post")
      .getJsonObject("responses");
    responses.forEach(entry -> {
      JsonObject content = ((JsonObject) entry.getValue()).getJsonObject("content");
      assertThat(content.remove("application/x-ndjson")).as("the ndjson answer of " + entry.getKey()).isNotNull();
    });
    return copy;
  }

  /** @return the sample call of every function in the catalogue, by service/request_type/version */
  private static Future<Map<String, JsonObject>> samples() {
    return http.fetch("/api/functions", null).map(reply -> {
      Map<String, JsonObject> samples = new HashMap<>();
      reply.json().getJsonArray("functions").forEach(f -> samples.put(key((JsonObject) f),
        ((JsonObject) f).getJsonObject("sample")));
      return samples;
    });
  }

  private static String key(JsonObject function) {
    return function.getString("service") + "/" + function.getString("request_type") + "/"
      + function.getString("version");
  }

  private static boolean valid(JsonObject schema, Object value) {
    OutputUnit result = Validator.create(JsonSchema.of(schema.copy()), new JsonSchemaOptions().setDraft(Draft.DRAFT202012)
      .setBaseUri("https://genapi.dev/schema")).validate(value);
    return result.getValid();
  }
}
