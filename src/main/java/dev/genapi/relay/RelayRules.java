package dev.genapi.relay;

import dev.genapi.api.ErrorCode;
import dev.genapi.api.GenApiException;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;

/**
 * The original's Relay rules (reference §13), as changes to one group: each takes the group as stored ({@code null}
 * when absent) and gives the group to store with the call's result, or throws the call's error.
 */
final class RelayRules {

  /** What a call makes of a group: the group to store ({@code null}: none) and the call's result. */
  record Change(Group next, Object result) {
  }

  private RelayRules() {
  }

  static Change create(Group group, String groupId, String type, String actor, String connection, String now) {
    if (group != null) {
      throw new GenApiException(ErrorCode.ALREADY_EXISTS, "Group already exists");
    }
    Group created = new Group(type, Map.of())
      .with(actor, new Group.Member(List.of("admin"), Group.ACTIVE, connection, now));
    return new Change(created, new JsonObject().put("group_id", groupId).put("type", type));
  }

  static Change delete(Group group, String actor) {
    admin(exists(group), actor);
    return new Change(null, new JsonObject().put("deleted", true));
  }

  static Change join(Group group, String actor, String connection, String now) {
    Group.Member member = exists(group).members().get(actor);
    if (member != null && !member.is(Group.MUTED)) {
      throw new GenApiException(ErrorCode.ALREADY_EXISTS, "Already a member of this group");
    }
    if (member == null && group.members().size() >= Relay.MAX_MEMBERS_PER_GROUP) {
      throw new GenApiException(ErrorCode.FAILED_PRECONDITION, "A group has at most " + Relay.MAX_MEMBERS_PER_GROUP
        + " members");
    }
    String status = Group.PUBLIC.equals(group.type()) ? Group.ACTIVE : Group.PENDING;
    List<String> roles = member == null ? List.of("member") : member.roles();
    Group joined = group.with(actor, new Group.Member(roles, status, connection, now));
    return new Change(joined, new JsonObject().put("status", status));
  }

  static Change leave(Group group, String actor) {
    member(exists(group), actor);
    return new Change(group.without(actor), new JsonObject().put("left", true));
  }

  /** Any active member accepts in a public or private group, an active admin in a strict_private one. */
  static Change accept(Group group, String actor, String target) {
    Group.Member self = member(exists(group), actor);
    if (!self.is(Group.ACTIVE) || (Group.STRICT_PRIVATE.equals(group.type()) && !self.admin())) {
      throw notAdmin();
    }
    return status(group, target, Group.PENDING, "User is not pending", Group.ACTIVE);
  }

  static Change mute(Group group, String actor, String target) {
    moderator(group, actor);
    return status(group, target, Group.ACTIVE, "User is not active and cannot be muted", Group.MUTED);
  }

  static Change unmute(Group group, String actor, String target) {
    moderator(group, actor);
    return status(group, target, Group.MUTED, "User is not muted", Group.ACTIVE);
  }

  /** @return the members a message from the actor reaches: active and muted, pending excluded */
  static List<Group.Member> recipients(Group group, String actor) {
    Group.Member sender = member(exists(group), actor);
    if (sender.is(Group.PENDING)) {
      throw new GenApiException(ErrorCode.PERMISSION_DENIED, "Pending membership: wait for acceptance");
    }
    if (sender.is(Group.MUTED)) {
      throw new GenApiException(ErrorCode.PERMISSION_DENIED, "You are muted and cannot send messages");
    }
    return group.members().values().stream().filter(Group.Member::receives).toList();
  }

  static Group exists(Group group) {
    if (group == null) {
      throw new GenApiException(ErrorCode.NOT_FOUND, "Group not found");
    }
    return group;
  }

  private static Group.Member member(Group group, String actor) {
    Group.Member member = group.members().get(actor);
    if (member == null) {
      throw new GenApiException(ErrorCode.PERMISSION_DENIED, "Not a member of this group");
    }
    return member;
  }

  private static void admin(Group group, String actor) {
    Group.Member member = member(group, actor);
    if (!member.is(Group.ACTIVE) || !member.admin()) {
      throw notAdmin();
    }
  }

  private static void moderator(Group group, String actor) {
    if (!Group.STRICT_PRIVATE.equals(exists(group).type())) {
      throw new GenApiException(ErrorCode.FAILED_PRECONDITION, "Group is not strict_private");
    }
    admin(group, actor);
  }

  private static Change status(Group group, String target, String from, String notFrom, String to) {
    Group.Member member = group.members().get(target);
    if (member == null) {
      throw new GenApiException(ErrorCode.FAILED_PRECONDITION, "User is not a member of this group");
    }
    if (!member.is(from)) {
      throw new GenApiException(ErrorCode.FAILED_PRECONDITION, notFrom);
    }
    return new Change(group.with(target, member.withStatus(to)), new JsonObject().put("status", to));
  }

  private static GenApiException notAdmin() {
    return new GenApiException(ErrorCode.PERMISSION_DENIED, "Not an admin of this group");
  }
}
