package dev.genapi.gateway;

import com.hazelcast.core.HazelcastInstance;
import dev.genapi.cluster.ClusterSupport;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;

/**
 * {@code /health/live} (the process answers) and {@code /health/ready}: {@code 200} once the gateway is in its
 * cluster and has loaded the registry, {@code 503} before that and while it drains, with the details in JSON.
 */
final class Health {

  private Health() {
  }

  static void mount(Vertx vertx, Router router, Gateway gateway) {
    router.get(Paths.LIVE).handler(rc -> rc.json(new JsonObject().put("status", "UP")));
    HazelcastInstance hazelcast = ClusterSupport.hazelcast(vertx);
    HealthCheckHandler ready = HealthCheckHandler.create(vertx)
      .register("cluster", promise -> promise.complete(hazelcast.getLifecycleService().isRunning()
        ? Status.OK(new JsonObject().put("members", hazelcast.getCluster().getMembers().size()))
        : Status.KO()))
      .register("registry", promise -> promise.complete(gateway.ready()
        ? Status.OK(new JsonObject().put("functions", gateway.registry().size()))
        : Status.KO(new JsonObject().put("reason", "loading"))))
      .register("draining", promise -> promise.complete(gateway.draining()
        ? Status.KO(new JsonObject().put("reason", "draining")) : Status.OK()));
    router.get(Paths.READY).handler(ready);
  }
}
