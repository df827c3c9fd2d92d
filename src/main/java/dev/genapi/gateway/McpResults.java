package dev.genapi.gateway;

import dev.genapi.api.ErrorCode;
import dev.genapi.protocol.RawJson;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tool results from GenApi answers. A result is one text content, its JSON; when it is an object it is also the
 * {@code structuredContent}, else that is {@code {"result": value}}. A stream is one text content per chunk and
 * {@code {"chunks": [...]}}. An error is {@code isError} with the text {@code "CODE: message"} and
 * {@code {"code", "error", "can_retry"}} (and {@code retry_after_ms} when rate limited).
 */
final class McpResults {

  private static final TypeRef<Object> ANY = new TypeRef<>() { };

  private final McpJsonMapper json;

  McpResults(McpJsonMapper json) {
    this.json = json;
  }

  /** @return the tool arguments as a Vert.x JSON object ({@code {}} for none) */
  JsonObject toJson(Map<String, Object> args) {
    try {
      return args == null ? new JsonObject() : new JsonObject(json.writeValueAsString(args));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** @return the result of a function's answer */
  McpSchema.CallToolResult value(Object result) {
    String text = text(result);
    Object value = plain(text, ANY);
    @SuppressWarnings("unchecked")
    Map<String, Object> structured = value instanceof Map<?, ?> map ? (Map<String, Object>) map
      : single("result", value);
    return McpSchema.CallToolResult.builder().addTextContent(text).structuredContent(structured).build();
  }

  /** @return the result of a function that answers nothing ({@code response_type: none}) */
  McpSchema.CallToolResult empty() {
    return McpSchema.CallToolResult.builder().content(List.of()).build();
  }

  /** @return an error result naming the GenApi code */
  McpSchema.CallToolResult error(ErrorCode code, String message, long retryAfterMs) {
    Map<String, Object> structured = new LinkedHashMap<>();
    structured.put("code", code.name());
    structured.put("error", message);
    structured.put("can_retry", code.canRetry());
    if (retryAfterMs >= 0) {
      structured.put("retry_after_ms", retryAfterMs);
    }
    return McpSchema.CallToolResult.builder().isError(true).addTextContent(code.name() + ": " + message)
      .structuredContent(structured).build();
  }

  /** @return an empty collection of stream chunks, bounded to that many bytes of JSON */
  Chunks chunks(int maxBytes) {
    return new Chunks(maxBytes);
  }

  /** @return whether a frame's result is JSON {@code null} (the end of a stream without a last chunk, say) */
  static boolean isNull(Object result) {
    return result == null || "null".equals(text(result));
  }

  // a node's answer arrives as its JSON bytes, forwarded as they are
  private static String text(Object result) {
    if (result instanceof RawJson raw) {
      return raw.bytes().length() == 0 ? "null" : raw.bytes().toString();
    }
    return Json.encode(result);
  }

  private <T> T plain(String text, TypeRef<T> type) {
    try {
      return json.readValue(text, type);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, Object> single(String key, Object value) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put(key, value);
    return map;
  }

  /** The chunks of one stream, in order. */
  final class Chunks {
    private final int maxBytes;
    private final List<String> texts = new ArrayList<>();
    private long bytes;

    private Chunks(int maxBytes) {
      this.maxBytes = maxBytes;
    }

    /** @return whether the chunk fits; once one does not, the stream is over its bound */
    boolean add(Object chunk) {
      String text = text(chunk);
      bytes += text.length();
      texts.add(text);
      return bytes <= maxBytes;
    }

    McpSchema.CallToolResult result() {
      McpSchema.CallToolResult.Builder result = McpSchema.CallToolResult.builder().content(new ArrayList<>());
      List<Object> values = new ArrayList<>(texts.size());
      for (String text : texts) {
        result.addTextContent(text);
        values.add(plain(text, ANY));
      }
      return result.structuredContent(single("chunks", values)).build();
    }
  }
}
