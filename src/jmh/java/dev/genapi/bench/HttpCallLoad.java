package dev.genapi.bench;

import io.modelcontextprotocol.spec.HttpHeaders;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientConnection;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpConnectOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.PemTrustOptions;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The load generator of the HTTP benchmarks: calls of the demo {@code echo}, closed loop (each of a connection's
 * slots sends its next call once the answer to its last came), bounded in time, latencies in an HdrHistogram. Modes:
 * <ul>
 *   <li>{@code h2}: HTTP/2 over TLS (trusting the CA file), {@code POST /api/call}, {@code streams} calls in flight
 *   on each connection, multiplexed;</li>
 *   <li>{@code http}: HTTP/1.1, {@code POST /api/call}, one call in flight per connection;</li>
 *   <li>{@code mcp}: HTTP/1.1 to {@code /mcp}, each connection its own MCP session ({@code initialize}, then
 *   {@code notifications/initialized}) calling {@code tools/call demo.echo}, one call in flight; the sessions are
 *   deleted at the end.</li>
 * </ul>
 * Prints {@code measuring} when the measured window starts, then one JSON line: {@code rps}, {@code p50_ms},
 * {@code p99_ms}, {@code p999_ms}, {@code errors} (answers that are not a success), {@code failed} (calls with no
 * answer within 5 s) and {@code closed} (connections lost, which must be 0 for the figures to mean anything).
 * Usage: {@code HttpCallLoad <h2|http|mcp> <port> <connections> <streams> <warmup-s> <measure-s> [ca.pem]}.
 */
public final class HttpCallLoad {

  private static final String ARGS = "{\"message\":\"hello, gateway\"}";
  private static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":"
    + "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"bench\",\"version\":\"1\"}}}";
  private static final String INITIALIZED = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";
  private static final long TIMEOUT_MS = 5000;

  /** One connection: its MCP session, when there is one, and the options of its calls. */
  private static final class Link {
    final HttpClientConnection connection;
    RequestOptions call;
    String session;
    volatile boolean lost;

    Link(HttpClientConnection connection) {
      this.connection = connection;
    }
  }

  private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
  private final Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
  private final AtomicLong completed = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicInteger closed = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong ids = new AtomicLong();
  private final String mode;
  private volatile boolean measuring;
  private volatile boolean running = true;

  private HttpCallLoad(String mode) {
    this.mode = mode;
  }

  public static void main(String[] args) throws Exception {
    HttpCallLoad load = new HttpCallLoad(args[0]);
    JsonObject result = load.run(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
      Long.parseLong(args[4]), Long.parseLong(args[5]), args.length > 6 ? args[6] : null);
    System.out.println(result.encode());
    load.vertx.close().await();
    System.exit(0);
  }

  private JsonObject run(int port, int count, int streams, long warmupS, long measureS, String ca) throws Exception {
    HttpClientAgent client = vertx.createHttpClient(clientOptions(ca));
    List<Future<Link>> opening = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      opening.add(client.connect(new HttpConnectOptions().setHost("127.0.0.1").setPort(port)).compose(this::open));
    }
    List<Link> links = Future.all(opening).await(60, TimeUnit.SECONDS).list();
    links.forEach(link -> vertx.runOnContext(v -> {
      for (int i = 0; i < streams; i++) {
        call(link);
      }
    }));
    Thread.sleep(TimeUnit.SECONDS.toMillis(warmupS));
    synchronized (histogram) {
      histogram.reset();
    }
    completed.set(0);
    errors.set(0);
    failed.set(0);
    measuring = true;
    System.out.println("measuring");
    long start = System.nanoTime();
    Thread.sleep(TimeUnit.SECONDS.toMillis(measureS));
    measuring = false;
    running = false;
    double seconds = (System.nanoTime() - start) / 1e9;
    JsonObject result;
    synchronized (histogram) {
      result = new JsonObject().put("mode", mode).put("connections", count).put("streams", streams)
        .put("calls", completed.get()).put("errors", errors.get()).put("failed", failed.get())
        .put("closed", closed.get()).put("rps", Math.round(completed.get() / seconds))
        .put("p50_ms", histogram.getValueAtPercentile(50) / 1e6).put("p99_ms", histogram.getValueAtPercentile(99) / 1e6)
        .put("p999_ms", histogram.getValueAtPercentile(99.9) / 1e6);
    }
    deleteSessions(links);
    return result;
  }

  private HttpClientOptions clientOptions(String ca) {
    HttpClientOptions options = new HttpClientOptions().setKeepAlive(true);
    if (!mode.equals("h2")) {
      return options;
    }
    options.setSsl(true).setUseAlpn(true).setProtocolVersion(HttpVersion.HTTP_2)
      .setTrustOptions(new PemTrustOptions().addCertPath(ca));
    // the client's TLS on the cheaper engine, so more of the shared CPU is left to the server measured
    return OpenSSLEngineOptions.isAvailable() ? options.setSslEngineOptions(new OpenSSLEngineOptions()) : options;
  }

  /** @return the connection ready to call: for MCP, once its session is initialized */
  private Future<Link> open(HttpClientConnection connection) {
    Link link = new Link(connection);
    connection.closeHandler(v -> {
      link.lost = true;
      if (running) {
        closed.incrementAndGet();
      }
    });
    String uri = mode.equals("mcp") ? "/mcp" : "/api/call";
    if (!mode.equals("mcp")) {
      link.call = options(HttpMethod.POST, uri, null);
      return Future.succeededFuture(link);
    }
    return send(link, options(HttpMethod.POST, uri, null), INITIALIZE).map(answer -> {
      if (answer.response.statusCode() != 200) {
        throw new IllegalStateException("initialize answered " + answer.response.statusCode() + ": " + answer.body);
      }
      link.session = answer.response.getHeader(HttpHeaders.MCP_SESSION_ID);
      String version = new JsonObject(answer.body).getJsonObject("result").getString("protocolVersion");
      link.call = options(HttpMethod.POST, uri, link.session).putHeader(HttpHeaders.PROTOCOL_VERSION, version);
      return link;
    }).compose(ready -> send(ready, ready.call, INITIALIZED)).map(answer -> {
      if (answer.response.statusCode() != 202) {
        throw new IllegalStateException("notifications/initialized answered " + answer.response.statusCode());
      }
      return link;
    });
  }

  private static RequestOptions options(HttpMethod method, String uri, String session) {
    RequestOptions options = new RequestOptions().setMethod(method).setURI(uri).setIdleTimeout(TIMEOUT_MS)
      .putHeader("Content-Type", "application/json").putHeader("Accept", "application/json, text/event-stream");
    return session == null ? options : options.putHeader(HttpHeaders.MCP_SESSION_ID, session);
  }

  private record Answer(HttpClientResponse response, String body) {
  }

  private static Future<Answer> send(Link link, RequestOptions options, String body) {
    return link.connection.request(options).compose(request -> body == null ? request.send() : request.send(body))
      .compose(response -> response.body().map(read -> new Answer(response, read.toString())));
  }

  private void call(Link link) {
    if (!running || link.lost) {
      return;
    }
    long start = System.nanoTime();
    inFlight.incrementAndGet();
    send(link, link.call, body(ids.incrementAndGet())).onComplete(result -> {
      inFlight.decrementAndGet();
      record(start, result);
      call(link);
    });
  }

  private String body(long id) {
    return mode.equals("mcp")
      ? "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"demo.echo\","
        + "\"arguments\":" + ARGS + "}}"
      : "{\"request_id\":\"" + id + "\",\"service\":\"demo\",\"request_type\":\"echo\",\"args\":" + ARGS + "}";
  }

  private void record(long start, AsyncResult<Answer> result) {
    if (!measuring) {
      return;
    }
    if (result.failed()) {
      failed.incrementAndGet();
    } else if (succeeded(result.result())) {
      synchronized (histogram) {
        histogram.recordValue(Math.max(0, System.nanoTime() - start));
      }
      completed.incrementAndGet();
    } else {
      errors.incrementAndGet();
    }
  }

  /** A success: 200 over the protocol asked for, and neither a failed Response nor a tool error. */
  private boolean succeeded(Answer answer) {
    boolean protocol = !mode.equals("h2") || answer.response.version() == HttpVersion.HTTP_2;
    boolean result = !mode.equals("mcp")
      || answer.body.contains("\"result\"") && !answer.body.contains("\"isError\":true");
    return answer.response.statusCode() == 200 && protocol && result && !answer.body.contains("\"success\":false");
  }

  /** Waits (at most 5 s) for the last calls, then ends the MCP sessions, as a client leaving would. */
  private void deleteSessions(List<Link> links) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (inFlight.get() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    List<Future<Answer>> deletes = links.stream().filter(link -> link.session != null && !link.lost)
      .map(link -> send(link, options(HttpMethod.DELETE, "/mcp", link.session), null)).toList();
    try {
      Future.join(deletes).await(5, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      System.err.println("some MCP sessions were not deleted within 5 s");
    }
  }
}
