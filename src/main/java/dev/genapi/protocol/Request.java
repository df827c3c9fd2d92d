package dev.genapi.protocol;

import dev.genapi.api.GenApiException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One client call, decoded once from its frame:
 * <pre>{@code {"request_id":"r1","service":"demo","request_type":"echo","version":"1.0.0",
 *  "args":{"message":"hi"},"user_id":"u1","device_id":"d1"}}</pre>
 * {@code request_id}, {@code service} and {@code request_type} are required non-empty strings; {@code version} is
 * optional ({@code null} when absent); {@code args} defaults to {@code {}}; an optional {@code traceparent} string
 * carries the client's W3C trace context; unknown keys are ignored. The original
 * bytes are kept so the gateway can forward them without encoding the call again.
 *
 * @param requestId the client's id for the call, echoed in every response
 * @param service the service name
 * @param requestType the function name
 * @param version the requested version, or {@code null}
 * @param args the arguments
 * @param userId the user id the client claims, or {@code null}
 * @param deviceId the device id the client claims, or {@code null}
 * @param userRoles the roles the client claims (empty when absent)
 * @param raw the frame as received
 * @param ipAddress the client's address as the gateway sees it, or {@code null}
 * @param traceparent the client's W3C trace context ({@code traceparent} in the call object, or the HTTP header), or
 *                    {@code null}
 */
public record Request(String requestId, String service, String requestType, String version, JsonObject args,
                      String userId, String deviceId, List<String> userRoles, Buffer raw, String ipAddress,
                      String traceparent) {

  /** A call without trace context. */
  public Request(String requestId, String service, String requestType, String version, JsonObject args,
                 String userId, String deviceId, List<String> userRoles, Buffer raw, String ipAddress) {
    this(requestId, service, requestType, version, args, userId, deviceId, userRoles, raw, ipAddress, null);
  }

  /** The original's default payload limit, in bytes. */
  public static final int DEFAULT_MAX_PAYLOAD_BYTES = 1_000_000;
  /** The request id used in error frames when the client's is missing or unreadable. */
  public static final String UNKNOWN_ID = "unknown";

  private static final JsonFactory SCANNER = new JsonFactory();

  /**
   * Checks the size of a frame and parses it as a JSON object.
   *
   * @param frame the frame text
   * @param maxBytes the payload limit in bytes
   * @return the JSON object
   * @throws GenApiException {@code INVALID_REQUEST} when the frame is too large, malformed or not an object
   */
  public static JsonObject parseFrame(Buffer frame, int maxBytes) {
    checkSize(frame.length(), maxBytes);
    try {
      Object value = io.vertx.core.json.Json.decodeValue(frame);
      if (value instanceof JsonObject json) {
        return json;
      }
      throw GenApiException.invalidRequest("Malformed request payload: expected a JSON object");
    } catch (DecodeException e) {
      throw GenApiException.invalidRequest("Malformed request payload: invalid JSON" + where(e.getCause()));
    }
  }

  // the parser's position, never its message: that names the parser's internals
  private static String where(Throwable cause) {
    if (cause instanceof JsonProcessingException parse && parse.getLocation() != null) {
      return " at line " + parse.getLocation().getLineNr() + ", column " + parse.getLocation().getColumnNr();
    }
    return "";
  }

  /**
   * @param size a payload's size in bytes
   * @param maxBytes the payload limit in bytes
   * @throws GenApiException {@code INVALID_REQUEST} when the payload is over the limit
   */
  public static void checkSize(int size, int maxBytes) {
    if (size > maxBytes) {
      throw GenApiException.invalidRequest("Request payload exceeds maximum size of " + maxBytes
        + " bytes (got " + size + " bytes)");
    }
  }

  /**
   * Decodes a call object.
   *
   * @param json the frame's JSON object
   * @param raw the frame's bytes
   * @param ipAddress the client's address, or {@code null}
   * @return the call
   * @throws GenApiException {@code INVALID_REQUEST} naming every missing or mistyped field
   */
  public static Request fromJson(JsonObject json, Buffer raw, String ipAddress) {
    List<String> missing = new ArrayList<>(3);
    String requestType = required(json, "request_type", missing);
    String requestId = required(json, "request_id", missing);
    String service = required(json, "service", missing);
    if (!missing.isEmpty()) {
      throw GenApiException.invalidRequest("Missing required fields: " + String.join(", ", missing));
    }
    Object args = json.getValue("args");
    if (args != null && !(args instanceof JsonObject)) {
      throw GenApiException.invalidRequest("args must be an object");
    }
    return new Request(requestId, service, requestType, optional(json, "version"),
      args == null ? new JsonObject() : (JsonObject) args, optional(json, "user_id"), optional(json, "device_id"),
      roles(json.getValue("user_roles")), raw, ipAddress,
      json.getValue("traceparent") instanceof String traceparent ? traceparent : null);
  }

  /** @return the same call with other args (a hook's rewrite), keeping everything else */
  public Request withArgs(JsonObject newArgs) {
    return new Request(requestId, service, requestType, version, newArgs, userId, deviceId, userRoles, raw, ipAddress,
      traceparent);
  }

  /** @return the same call made by that user with those roles (a verified identity replacing the client's claims) */
  public Request withIdentity(String user, List<String> roles) {
    return new Request(requestId, service, requestType, version, args, user, deviceId, roles, raw, ipAddress,
      traceparent);
  }

  /** @return the same call in that trace context (an HTTP {@code traceparent} header), or unchanged for {@code null} */
  public Request withTraceparent(String context) {
    return context == null ? this : new Request(requestId, service, requestType, version, args, userId, deviceId,
      userRoles, raw, ipAddress, context);
  }

  /**
   * @param json a frame's JSON object, possibly invalid
   * @return its request_id when it is a non-empty string, else {@value #UNKNOWN_ID}
   */
  public static String idOf(JsonObject json) {
    return json != null && json.getValue("request_id") instanceof String id && !id.isEmpty() ? id : UNKNOWN_ID;
  }

  /**
   * The request_id of a frame that could not be decoded whole (too large, or malformed after its request_id): read
   * with a streaming parser that skips every other value, so it costs a scan and no objects.
   *
   * @param json the frame's JSON object, or {@code null} when it was not decoded
   * @param frame the frame's bytes
   * @return the request_id, else {@value #UNKNOWN_ID}
   */
  public static String idOf(JsonObject json, Buffer frame) {
    if (json != null) {
      return idOf(json);
    }
    try (JsonParser parser = SCANNER.createParser(frame.getBytes())) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return UNKNOWN_ID;
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        if ("request_id".equals(name)) {
          return value == JsonToken.VALUE_STRING && !parser.getText().isEmpty() ? parser.getText() : UNKNOWN_ID;
        }
        parser.skipChildren();
      }
    } catch (IOException e) {
      return UNKNOWN_ID;
    }
    return UNKNOWN_ID;
  }

  private static String required(JsonObject json, String key, List<String> missing) {
    if (json.getValue(key) instanceof String value && !value.isEmpty()) {
      return value;
    }
    missing.add(key);
    return null;
  }

  private static String optional(JsonObject json, String key) {
    Object value = json.getValue(key);
    if (value == null) {
      return null;
    }
    if (value instanceof String s) {
      return s;
    }
    throw GenApiException.invalidRequest(key + " must be a string");
  }

  private static List<String> roles(Object value) {
    if (!(value instanceof JsonArray array)) {
      return List.of();
    }
    return array.stream().filter(r -> r instanceof String s && !s.isEmpty()).map(String.class::cast).toList();
  }
}
