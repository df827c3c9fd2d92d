package dev.genapi.config;

import dev.genapi.cluster.Addresses;
import io.vertx.codegen.annotations.ProxyGen;
import io.vertx.codegen.annotations.VertxGen;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * How service nodes register their functions: every gateway serves this interface at
 * {@value Addresses#CONFIG_SERVICE}, and any of them writes to the registry all gateways share. Every operation on a
 * service's functions needs that service's push token when the gateways have one for it ({@code push_tokens}, else
 * {@code push_token}); a wrong or missing token fails with {@code invalid push token}.
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
   * Stores the valid FunConfigs of a push; idempotent by {@code config_version}: a push of the stored version is
   * skipped while every function of it is in the registry, and restores those that are missing or changed otherwise
   * (answering {@code accepted} with the restored keys and {@code "restored":true}).
   *
   * @param config the push
   * @param force store even when the same {@code config_version} is already stored
   * @return {@code {"status":"accepted","accepted":[keys],"rejected":[{"request_type","version","reasons"}]}} or
   *   {@code {"status":"skipped","reason":"version_matches"}}; a failed future when the push itself is invalid
   */
  Future<JsonObject> push(PushConfig config, boolean force);

  /**
   * Compares a configuration version with the stored one, and the functions actually in the registry with the
   * digests recorded when they were stored.
   *
   * @param service the service
   * @param configVersion the version the caller has
   * @param pushToken the service's push token, or {@code null} when it has none
   * @return {@code {"status":"matched"}}, {@code {"status":"mismatch","stored":v}}, {@code {"status":"not_found"}}
   *   when the service is unknown, or {@code {"status":"not_found","damaged":[keys]}} when some of its functions are
   *   missing or changed (a push restores them)
   */
  Future<JsonObject> verify(String service, String configVersion, String pushToken);

  /**
   * Disables or enables one function version on every gateway.
   *
   * @param pushToken the service's push token, or {@code null} when it has none
   * @return {@code {"status":"disabled"|"enabled"}}, or {@code {"status":"not_found"}}
   */
  Future<JsonObject> setDisabled(String service, String requestType, String version, boolean disabled,
                                 String pushToken);

  /**
   * Removes one function version from every gateway.
   *
   * @param pushToken the service's push token, or {@code null} when it has none
   * @return {@code {"status":"deleted"}} or {@code {"status":"not_found"}}
   */
  Future<JsonObject> delete(String service, String requestType, String version, String pushToken);

  /**
   * @return every pushed or pulled service: {@code service, config_version, nodes, source, functions, updated_at}
   */
  Future<JsonArray> services();

  /**
   * @return the FunConfigs rejected in the last 24 hours, newest first:
   *   {@code id, service, request_type, version, source, node, reasons, config, inserted_at}
   */
  Future<JsonArray> failedConfigs();
}
