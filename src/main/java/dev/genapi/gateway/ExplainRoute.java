package dev.genapi.gateway;

import dev.genapi.protocol.Request;
import io.vertx.core.MultiMap;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.List;

/** The admin API's {@code GET /admin/explain}: the call its query describes, explained by the gateway's pipeline. */
final class ExplainRoute {

  private ExplainRoute() {
  }

  /** What the pipeline would do with the call the query describes. */
  static void explain(RoutingContext rc, Gateway gateway) {
    MultiMap query = rc.queryParams();
    String service = query.get("service");
    String requestType = query.get("request_type");
    if (service == null || service.isEmpty() || requestType == null || requestType.isEmpty()) {
      AdminApi.error(rc, 400, "service and request_type are required");
      return;
    }
    JsonObject args;
    try {
      args = query.contains("args") ? new JsonObject(query.get("args")) : new JsonObject();
    } catch (DecodeException | ClassCastException e) {
      AdminApi.error(rc, 400, "args must be a JSON object");
      return;
    }
    String roles = query.get("roles");
    List<String> userRoles = roles == null || roles.isEmpty() ? List.of() : List.of(roles.split(","));
    rc.json(gateway.explain(new Request("explain", service, requestType, query.get("version"), args,
      query.get("user_id"), query.get("device_id"), userRoles, null, query.get("ip_address"))));
  }
}
