package dev.genapi.gateway;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The playground page at {@code /}: lists the functions of {@code /api/functions}, builds a call form from their arg
 * types, sends calls over the native WebSocket and shows every frame that comes back.
 */
final class Playground {

  private Playground() {
  }

  static void mount(Router router) {
    router.get("/").handler(rc -> rc.reroute("/playground/index.html"));
    router.get("/playground/*").handler(StaticHandler.create("dev/genapi/playground").setCachingEnabled(false));
  }
}
