package dev.genapi.dispatch;

import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Call ids no one can guess: each is a counter encrypted with AES under a key this gateway draws at start and never
 * sends, so an id is 128 bits that look random to anyone without the key, and no two ids of a gateway are equal (AES
 * is a permutation). Only the node a call went to learns its id, so only it can answer the call. An AES block costs
 * well under a microsecond, unlike a {@code SecureRandom} draw per call.
 */
final class CallIds {

  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

  private final SecretKey key;
  private final AtomicLong counter = new AtomicLong();
  // a Cipher is not thread-safe; each event loop encrypts with its own
  private final ThreadLocal<Cipher> ciphers;

  CallIds() {
    try {
      KeyGenerator generator = KeyGenerator.getInstance("AES");
      generator.init(128);
      key = generator.generateKey();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES is missing from this JVM", e);
    }
    ciphers = ThreadLocal.withInitial(this::cipher);
  }

  /** @return a new id: 22 URL-safe characters */
  String next() {
    long n = counter.incrementAndGet();
    byte[] block = new byte[16];
    for (int i = 0; i < 8; i++) {
      block[15 - i] = (byte) (n >>> (8 * i));
    }
    try {
      return ENCODER.encodeToString(ciphers.get().doFinal(block));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES failed", e);
    }
  }

  private Cipher cipher() {
    try {
      Cipher cipher = Cipher.getInstance("AES/ECB/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key);
      return cipher;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES is missing from this JVM", e);
    }
  }
}
