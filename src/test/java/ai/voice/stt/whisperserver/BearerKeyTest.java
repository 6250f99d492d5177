package ai.voice.stt.whisperserver;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.config.SttConfig.ApiKey;
import org.junit.jupiter.api.Test;

class BearerKeyTest {
  private final BearerKey key = new BearerKey(new ApiKey("sk-abc123"));

  @Test
  void theKeyAsABearerTokenIsAdmittedWhateverTheSchemesCase() {
    assertTrue(key.admits("Bearer sk-abc123"));
    assertTrue(key.admits("bearer sk-abc123"));
    assertTrue(key.admits("BEARER   sk-abc123 "));
  }

  @Test
  void anythingElseIsNot() {
    assertFalse(key.admits(null));
    assertFalse(key.admits(""));
    assertFalse(key.admits("Bearer"));
    assertFalse(key.admits("Bearer "));
    assertFalse(key.admits("sk-abc123"));
    assertFalse(key.admits("Basic sk-abc123"));
    assertFalse(key.admits("Bearer sk-abc12"));
    assertFalse(key.admits("Bearer sk-abc1234"));
    assertFalse(key.admits("Bearer SK-ABC123"));
    assertFalse(key.admits("Bearersk-abc123"));
  }
}
