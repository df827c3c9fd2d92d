package dev.genapi.dispatch;

import dev.genapi.api.FunConfig;
import dev.genapi.protocol.Request;
import dev.genapi.protocol.Response;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/** Calls and functions for the stage tests: a stage runs alone on a {@link Call}, no cluster needed. */
final class StageCalls {

  private StageCalls() {
  }

  /** @return a function of service {@code svc} from the JSON fields after service and request_type */
  static FunConfig function(String requestType, String fields) {
    return FunConfig.fromJson(new JsonObject("{\"service\":\"svc\",\"request_type\":\"" + requestType + "\""
      + fields + "}"));
  }

  /** @return a call as a client sends it, its raw bytes included */
  static Request request(String requestType, String userId, JsonObject args) {
    JsonObject json = new JsonObject().put("request_id", "r1").put("service", "svc").put("request_type", requestType)
      .put("args", args);
    if (userId != null) {
      json.put("user_id", userId);
    }
    return Request.fromJson(json, json.toBuffer(), "127.0.0.1");
  }

  /** @return a client's call to that function, as the lookup leaves it */
  static Call found(FunConfig function, Request request, List<Response> frames) {
    Call call = Call.byClient(request, (response, last) -> frames.add(response));
    call.function(function);
    return call;
  }

  /** @return a client's call to that function, its frames dropped */
  static Call found(FunConfig function, Request request) {
    return found(function, request, new ArrayList<>());
  }
}
