package dev.genapi.config;

import dev.genapi.cluster.Addresses;
import io.vertx.codegen.annotations.ProxyGen;
import io.vertx.codegen.annotations.VertxGen;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * How service nodes register their functions: every gateway serves this interface at
 * {@value Addresses#CONFIG_SERVICE}, and any of them writes to the registry all gateways share.
 */
@ProxyGen
@VertxGen
public interface ConfigService {

  /**
   * @param vertx a clustered Vert.x instance
   * @return a proxy that calls whichever gateway answers first
   */
  static ConfigService createProxy(Vertx vertx) {
    return new ConfigServiceVertxEBProxy(vertx, Addresses.CONFIG_SERVICE);
  }

  /**
   * Stores the valid FunConfigs of a push; idempotent by {@code config_version}.
   *
   * @param config the push
   * @param force store even when the same {@code config_version} is already stored
   * @return {@code {"status":"accepted","accepted":[keys],"rejected":[{"request_type","version","reasons"}]}} or
   *   {@code {"status":"skipped","reason":"version_matches"}}; a failed future when the push itself is invalid
   */
  Future<JsonObject> push(PushConfig config, boolean force);

  /**
   * Compares a configuration version with the stored one.
   *
   * @param service the service
   * @param configVersion the version the caller has
   * @return {@code {"status":"matched"}}, {@code {"status":"mismatch","stored":v}} or {@code {"status":"not_found"}}
   */
  Future<JsonObject> verify(String service, String configVersion);
}
