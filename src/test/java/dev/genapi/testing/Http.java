package dev.genapi.testing;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.Json;

/**
 * A real HTTP client for tests, against {@code 127.0.0.1}.
 */
public final class Http {

  /**
   * @param status the HTTP status
   * @param body the decoded JSON body ({@code JsonObject}, {@code JsonArray}, ...) or {@code null}
   * @param headers the response's {@code WWW-Authenticate} header, if any
   */
  public record Reply(int status, Object body, String wwwAuthenticate) {
    /** @return the body as a JSON object */
    public io.vertx.core.json.JsonObject json() {
      return (io.vertx.core.json.JsonObject) body;
    }

    /** @return the body as a JSON array */
    public io.vertx.core.json.JsonArray array() {
      return (io.vertx.core.json.JsonArray) body;
    }
  }

  private final HttpClient client;
  private final int port;

  /** A client of the server on that port. */
  public Http(Vertx vertx, int port) {
    this.client = vertx.createHttpClient();
    this.port = port;
  }

  /** Sends a request and waits for the whole answer (60 s at most). */
  public Reply send(HttpMethod method, String path, String bearer, String body) {
    RequestOptions options = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port).setURI(path);
    if (bearer != null) {
      options.putHeader("Authorization", "Bearer " + bearer);
    }
    return TestCluster.await(client.request(options)
      .compose(request -> body == null ? request.send() : request.send(Buffer.buffer(body)))
      .compose(response -> response.body().map(bytes -> reply(response, bytes))));
  }

  /** {@code GET} with a bearer token (or none). */
  public Reply get(String path, String bearer) {
    return send(HttpMethod.GET, path, bearer, null);
  }

  private static Reply reply(HttpClientResponse response, Buffer bytes) {
    Object body = bytes.length() == 0 ? null : Json.decodeValue(bytes);
    return new Reply(response.statusCode(), body, response.getHeader("WWW-Authenticate"));
  }
}
