package dev.genapi.dispatch;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The answers of permission callbacks a gateway keeps, by caller and guarded function, each until its own expiry. At
 * most {@code maxAnswers} are kept; past that the least recently used one is dropped, in O(1). The gateway's event
 * loops share the table, so each lookup holds its lock for a map get or put.
 */
final class CallbackAnswers {

  private final int maxAnswers;
  private final Map<String, Answer> answers;

  private record Answer(boolean allowed, long expiresAt) {
  }

  CallbackAnswers(int maxAnswers) {
    this.maxAnswers = maxAnswers;
    this.answers = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Answer> eldest) {
        return size() > CallbackAnswers.this.maxAnswers;
      }
    };
  }

  /**
   * @param now {@link System#nanoTime()}
   * @return the answer kept for that key, or {@code null} when there is none or it expired
   */
  synchronized Boolean get(String key, long now) {
    Answer answer = answers.get(key);
    if (answer == null) {
      return null;
    }
    if (now - answer.expiresAt() >= 0) {
      answers.remove(key);
      return null;
    }
    return answer.allowed();
  }

  /** Keeps an answer until {@code expiresAt}, a {@link System#nanoTime()} value. */
  synchronized void put(String key, boolean allowed, long expiresAt) {
    answers.put(key, new Answer(allowed, expiresAt));
  }

  /** @return the number of answers kept, expired ones included until they are looked up or dropped */
  synchronized int size() {
    return answers.size();
  }
}
