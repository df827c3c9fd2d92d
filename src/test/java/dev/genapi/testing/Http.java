package dev.genapi.testing;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTP client for tests, against {@code 127.0.0.1}.
 */
public final class Http implements AutoCloseable {

  /**
   * @param status the HTTP status
   * @param headers the response headers
   * @param raw the body as received
   */
  public record Reply(int status, MultiMap headers, Buffer raw) {
    /** @return the body as a JSON object */
    public JsonObject json() {
      return raw.toJsonObject();
    }

    /** @return the body as a JSON array */
    public JsonArray array() {
      return raw.toJsonArray();
    }

    /** @return a response header, or {@code null} */
    public String header(String name) {
      return headers.get(name);
    }
  }

  private final HttpClient client;
  private final int port;

  /** A client of the server on that port. */
  public Http(Vertx vertx, int port) {
    this(vertx, port, new HttpClientOptions());
  }

  /** A client of the server on that port, with these options (a local address, say, to be another client). */
  public Http(Vertx vertx, int port, HttpClientOptions options) {
    this.client = vertx.createHttpClient(options);
    this.port = port;
  }

  /** Sends a request (a body as {@code application/json}) and waits for the whole answer (60 s at most). */
  public Reply send(HttpMethod method, String path, String bearer, String body) {
    return send(method, path, bearer, body, jsonHeaders(body));
  }

  private static MultiMap jsonHeaders(String body) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    if (body != null) {
      headers.add("Content-Type", "application/json");
    }
    return headers;
  }

  /**
   * Sends a request as {@link #send(HttpMethod, String, String, String)} does, but gives up after the given time.
   *
   * @return the answer, or {@code null} when none came in time or the request failed
   */
  public Reply attempt(HttpMethod method, String path, String bearer, String body, long timeoutMs) {
    try {
      return TestCluster.await(request(method, path, bearer, body, jsonHeaders(body))
        .timeout(timeoutMs, TimeUnit.MILLISECONDS));
    } catch (IllegalStateException e) {
      return null;
    }
  }

  /** Sends a request with exactly these headers (besides the bearer token) and waits for the whole answer. */
  public Reply send(HttpMethod method, String path, String bearer, String body, MultiMap headers) {
    return TestCluster.await(request(method, path, bearer, body, headers));
  }

  /** Sends a request (a body as {@code application/json}) and answers the whole answer. */
  public Future<Reply> exchange(HttpMethod method, String path, String bearer, String body) {
    return request(method, path, bearer, body, jsonHeaders(body));
  }

  /** {@code GET} with a bearer token (or none), answering the whole answer. */
  public Future<Reply> fetch(String path, String bearer) {
    return exchange(HttpMethod.GET, path, bearer, null);
  }

  /** Sends a request with exactly these headers (besides the bearer token) and answers the whole answer. */
  public Future<Reply> request(HttpMethod method, String path, String bearer, String body, MultiMap headers) {
    RequestOptions options = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port).setURI(path)
      .setHeaders(headers);
    if (bearer != null) {
      options.putHeader("Authorization", "Bearer " + bearer);
    }
    // body() is attached in the same event-loop task that sends, so the response cannot end before it is read
    return client.request(options).compose(request ->
      (body == null ? request.send() : request.send(Buffer.buffer(body)))
        .compose(response -> response.body().map(bytes -> reply(response, bytes))));
  }

  /** {@code GET} with a bearer token (or none). */
  public Reply get(String path, String bearer) {
    return send(HttpMethod.GET, path, bearer, null);
  }

  /** @return every {@code service/request_type/version} key that {@code GET /admin/functions} lists */
  public Set<String> functionKeys(String adminToken) {
    Set<String> keys = new HashSet<>();
    get("/admin/functions", adminToken).json().forEach(service -> ((JsonObject) service.getValue()).forEach(
      function -> ((JsonArray) function.getValue()).forEach(version -> keys.add(service.getKey() + "/"
        + function.getKey() + "/" + ((JsonObject) version).getString("version")))));
    return keys;
  }

  /** Closes the client and its connections. */
  public Future<Void> shutdown() {
    return client.close();
  }

  @Override
  public void close() {
    TestCluster.await(shutdown());
  }

  private static Reply reply(HttpClientResponse response, Buffer bytes) {
    return new Reply(response.statusCode(), response.headers(), bytes);
  }
}
