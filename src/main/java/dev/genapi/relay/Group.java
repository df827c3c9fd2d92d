package dev.genapi.relay;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A relay group as the cluster map holds it, as JSON text:
 * <pre>{@code {"type":"private","members":{"alice":{"roles":["admin"],"status":"active",
 *  "connection":"<gateway node id>/<n>","joined_at":"2026-01-01T00:00:00Z"}}}}</pre>
 * Immutable: each change returns a new group.
 *
 * @param type {@code public}, {@code private} or {@code strict_private}
 * @param members the members by user id, in the order they joined
 */
record Group(String type, Map<String, Member> members) {

  static final String PUBLIC = "public";
  static final String STRICT_PRIVATE = "strict_private";
  /** The group types, in the order error messages list them. */
  static final List<String> TYPES = List.of(PUBLIC, "private", STRICT_PRIVATE);

  static final String ACTIVE = "active";
  static final String PENDING = "pending";
  static final String MUTED = "muted";

  /**
   * One member.
   *
   * @param roles {@code admin} and/or {@code member}
   * @param status {@code active}, {@code pending} or {@code muted}
   * @param connection the cluster-unique id of the connection that joined, {@code <gateway node id>/<n>}
   * @param joinedAt when it joined, ISO-8601
   */
  record Member(List<String> roles, String status, String connection, String joinedAt) {

    boolean admin() {
      return roles.contains("admin");
    }

    boolean is(String status) {
      return this.status.equals(status);
    }

    /** @return whether relayed messages reach it: active and muted members do, pending ones do not */
    boolean receives() {
      return !is(PENDING);
    }

    Member withStatus(String newStatus) {
      return new Member(roles, newStatus, connection, joinedAt);
    }
  }

  /** @return the group with that member added or replaced */
  Group with(String user, Member member) {
    Map<String, Member> copy = new LinkedHashMap<>(members);
    copy.put(user, member);
    return new Group(type, copy);
  }

  /** @return the group without the members whose connection matches, {@code null} once empty; itself if none did */
  Group withoutConnections(Predicate<String> connection) {
    Map<String, Member> copy = new LinkedHashMap<>(members);
    if (!copy.values().removeIf(member -> connection.test(member.connection()))) {
      return this;
    }
    return copy.isEmpty() ? null : new Group(type, copy);
  }

  /** @return the group without that user, {@code null} once empty */
  Group without(String user) {
    Map<String, Member> copy = new LinkedHashMap<>(members);
    copy.remove(user);
    return copy.isEmpty() ? null : new Group(type, copy);
  }

  /** @return {@code {"group_id","group_type","members":{<user_id>:{"roles","status"}}}} */
  JsonObject info(String groupId) {
    JsonObject list = new JsonObject();
    members.forEach((user, member) -> list.put(user, new JsonObject().put("roles", new JsonArray(member.roles()))
      .put("status", member.status())));
    return new JsonObject().put("group_id", groupId).put("group_type", type).put("members", list);
  }

  String encode() {
    JsonObject list = new JsonObject();
    members.forEach((user, member) -> list.put(user, new JsonObject().put("roles", new JsonArray(member.roles()))
      .put("status", member.status()).put("connection", member.connection()).put("joined_at", member.joinedAt())));
    return new JsonObject().put("type", type).put("members", list).encode();
  }

  static Group decode(String text) {
    JsonObject json = new JsonObject(text);
    Map<String, Member> members = new LinkedHashMap<>();
    json.getJsonObject("members").forEach(entry -> {
      JsonObject member = (JsonObject) entry.getValue();
      List<String> roles = member.getJsonArray("roles").stream().map(String::valueOf).toList();
      members.put(entry.getKey(), new Member(roles, member.getString("status"), member.getString("connection"),
        member.getString("joined_at")));
    });
    return new Group(json.getString("type"), members);
  }
}
