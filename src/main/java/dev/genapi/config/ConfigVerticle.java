package dev.genapi.config;

import dev.genapi.cluster.Addresses;
import dev.genapi.cluster.ClusterSupport;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.serviceproxy.ServiceBinder;

import java.util.UUID;

/**
 * Keeps a gateway's {@link FunctionRegistry} equal to the cluster registry and serves {@link ConfigService} at
 * {@value Addresses#CONFIG_SERVICE}. Deploy one per gateway JVM; its start completes once the whole registry is
 * loaded.
 */
public final class ConfigVerticle extends VerticleBase {

  private final FunctionRegistry registry;
  private ConfigStore store;
  private UUID listener;
  private MessageConsumer<JsonObject> binding;

  /**
   * @param registry the index this gateway's pipeline reads
   */
  public ConfigVerticle(FunctionRegistry registry) {
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    store = new ConfigStore(vertx, ClusterSupport.hazelcast(vertx));
    return store.syncInto(registry).compose(id -> {
      listener = id;
      binding = new ServiceBinder(vertx).setAddress(Addresses.CONFIG_SERVICE)
        .register(ConfigService.class, new ConfigServiceImpl(store));
      return binding.completion();
    });
  }

  @Override
  public Future<?> stop() {
    Future<?> unbound = binding == null ? Future.succeededFuture() : binding.unregister();
    return listener == null ? unbound : unbound.compose(v -> store.stopSync(listener));
  }
}
