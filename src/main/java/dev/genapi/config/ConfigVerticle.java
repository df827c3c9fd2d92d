package dev.genapi.config;

import dev.genapi.cluster.Addresses;
import dev.genapi.cluster.ClusterSupport;
import dev.genapi.metrics.GenApiMetrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.serviceproxy.ServiceBinder;

/**
 * Keeps a gateway's {@link FunctionRegistry} equal to the cluster registry (also after a split and merge), serves
 * {@link ConfigService} at {@value Addresses#CONFIG_SERVICE}, and pulls the services listed in {@code service_configs}.
 * Deploy one per gateway JVM; its start completes once the whole registry is loaded.
 */
public final class ConfigVerticle extends VerticleBase {

  private final FunctionRegistry registry;
  private final ConfigOptions options;
  private final GenApiMetrics metrics;
  private ConfigStore store;
  private ConfigPuller puller;
  private RegistrySync sync;
  private MessageConsumer<JsonObject> binding;
  private ConfigService service;

  /**
   * @param registry the index this gateway's pipeline reads
   * @param options push tokens and pull settings
   * @param metrics where rejected registry entries are counted
   */
  public ConfigVerticle(FunctionRegistry registry, ConfigOptions options, GenApiMetrics metrics) {
    this.registry = registry;
    this.options = options;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    ServiceTokens tokens = new ServiceTokens(options);
    store = new ConfigStore(vertx, ClusterSupport.hazelcast(vertx), tokens);
    puller = new ConfigPuller(vertx, store, options, tokens);
    sync = store.syncInto(registry, new RejectedEntries(store, metrics));
    return sync.start().compose(v -> {
      service = new ConfigServiceImpl(store, tokens);
      binding = new ServiceBinder(vertx).setAddress(Addresses.CONFIG_SERVICE).register(ConfigService.class, service);
      return binding.completion();
    }).onSuccess(v -> puller.start());
  }

  @Override
  public Future<?> stop() {
    puller.stop();
    Future<?> unbound = binding == null ? Future.succeededFuture() : binding.unregister();
    return sync == null ? unbound : unbound.compose(v -> sync.stop());
  }

  /**
   * @return this gateway's own config service, the one it binds on the event bus: its admin routes call it directly,
   *     so they never wait on another gateway (a frozen one, during a split)
   */
  public ConfigService service() {
    return service;
  }

  /** Removes every failed config, cluster-wide (the admin API's {@code DELETE /admin/failed-configs}). */
  public Future<Void> clearFailedConfigs() {
    return store.clearFailures();
  }

  /** @return the state of each pulled service: last result, failures, version, next delay */
  public JsonObject pullStatus() {
    return puller.status();
  }
}
