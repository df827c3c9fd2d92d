package dev.genapi.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.ServerWebSocket;

import java.util.ArrayList;
import java.util.List;

/**
 * The baseline of the fan-out benchmark: a bare Vert.x WebSocket server whose every event loop keeps the sockets that
 * said {@code join} and, when any socket sends {@code fanout:<frame>}, writes that frame to each of them: the same
 * write loop a gateway runs for a push, without GenApi. Usage: {@code FanOutServer <port> <instances>}.
 */
public final class FanOutServer extends VerticleBase {

  private static final String ADDRESS = "bench.fanout";

  private final int port;
  private final List<ServerWebSocket> joined = new ArrayList<>();

  private FanOutServer(int port) {
    this.port = port;
  }

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    vertx.deployVerticle(() -> new FanOutServer(port), new DeploymentOptions().setInstances(Integer.parseInt(args[1])))
      .await();
    System.out.println("fan-out baseline ready on " + port);
  }

  @Override
  public Future<?> start() {
    vertx.eventBus().<String>localConsumer(ADDRESS, message -> {
      for (ServerWebSocket ws : joined) {
        ws.writeTextMessage(message.body());
      }
    });
    return vertx.createHttpServer().webSocketHandler(ws -> {
      ws.textMessageHandler(text -> {
        if (text.startsWith("fanout:")) {
          vertx.eventBus().publish(ADDRESS, text.substring(7));
        } else if ("join".equals(text)) {
          joined.add(ws);
          ws.writeTextMessage("joined");
        }
      });
      ws.closeHandler(v -> joined.remove(ws));
    }).listen(port, "127.0.0.1");
  }
}
