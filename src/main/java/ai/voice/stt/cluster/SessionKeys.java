package ai.voice.stt.cluster;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Session ids as KV keys. A session id is any NATS subject token; a KV key allows only letters,
 * digits and {@code -/_=.}, so other ids are stored base64url-encoded under a prefix of their own.
 */
final class SessionKeys {
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_=-]+");
  private static final String PLAIN_PREFIX = "s.";
  private static final String ENCODED_PREFIX = "b.";

  private SessionKeys() {}

  static String key(String sessionId) {
    if (PLAIN.matcher(sessionId).matches()) {
      return PLAIN_PREFIX + sessionId;
    }
    return ENCODED_PREFIX
        + Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(sessionId.getBytes(StandardCharsets.UTF_8));
  }

  static String sessionId(String key) {
    if (key.startsWith(PLAIN_PREFIX)) {
      return key.substring(PLAIN_PREFIX.length());
    }
    if (key.startsWith(ENCODED_PREFIX)) {
      return new String(
          Base64.getUrlDecoder().decode(key.substring(ENCODED_PREFIX.length())),
          StandardCharsets.UTF_8);
    }
    return key;
  }
}
