package ai.voice.stt.whisperserver;

import ai.voice.stt.config.SttConfig.ApiKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;

/**
 * The key callers must present as {@code Authorization: Bearer <key>} (RFC 6750), as OpenAI's API
 * takes it and as the HTTP recognizer sends {@code STT_WHISPER_API_KEY}. Compared in constant time.
 */
final class BearerKey {
  private static final String SCHEME = "bearer ";
  private final byte[] key;

  BearerKey(ApiKey key) {
    this.key = key.value().getBytes(StandardCharsets.US_ASCII);
  }

  /** Whether an {@code Authorization} header value (null when absent) carries the key. */
  boolean admits(String authorization) {
    if (authorization == null
        || authorization.length() < SCHEME.length()
        || !authorization.substring(0, SCHEME.length()).toLowerCase(Locale.ROOT).equals(SCHEME)) {
      return false;
    }
    byte[] presented =
        authorization.substring(SCHEME.length()).strip().getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(presented, key);
  }
}
