package dev.genapi.gateway;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Which Phoenix topics a socket may join ({@code phoenix_topics}: exact names, or prefixes ending in {@code *}), how
 * long a topic may be and how many one socket may hold; a refused join gets an {@code error} reply with the reason,
 * as a Phoenix server answers.
 */
final class TopicRules {

  private final List<String> patterns;
  private final int maxTopics;
  private final int maxTopicBytes;

  TopicRules(ClientLimitsOptions limits) {
    this.patterns = limits.getPhoenixTopics();
    this.maxTopics = limits.getMaxPhoenixTopics();
    this.maxTopicBytes = limits.getMaxPhoenixTopicBytes();
  }

  /**
   * @param topic the topic to join
   * @param joined the topics the socket holds besides this one
   * @return why the join is refused, or {@code null} when it may go ahead
   */
  String refusal(String topic, int joined) {
    if (topic.length() > maxTopicBytes || topic.getBytes(StandardCharsets.UTF_8).length > maxTopicBytes) {
      return "topic too long";
    }
    if (!matches(topic)) {
      return "unmatched topic";
    }
    return joined >= maxTopics ? "too many channels joined" : null;
  }

  private boolean matches(String topic) {
    for (String pattern : patterns) {
      boolean prefix = pattern.endsWith("*");
      if (prefix ? topic.startsWith(pattern.substring(0, pattern.length() - 1)) : topic.equals(pattern)) {
        return true;
      }
    }
    return false;
  }
}
