package ai.voice.stt.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RefusedChunksTest {
  @Test
  void onlyTheFirstRefusalSinceTheLastCountAsksForAnAccountingTask() {
    RefusedChunks refused = new RefusedChunks();
    assertTrue(refused.add(640));
    assertFalse(refused.add(640));
    assertFalse(refused.add(320));
    assertEquals(new RefusedChunks.Count(3, 1600), refused.take());
    assertEquals(new RefusedChunks.Count(0, 0), refused.take(), "taking resets the count");
    assertTrue(refused.add(640), "the next refusal starts a new run");
  }
}
