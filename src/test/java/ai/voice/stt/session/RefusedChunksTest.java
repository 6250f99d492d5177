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

  @Test
  void aMessageAcceptedBetweenRefusalsSplitsThemIntoRunsAccountedInStreamOrder() {
    // refused, refused, accepted, refused: the accepted chunk sits between the two runs in the
    // stream, so the first run's task (queued before it) must account for the first two only.
    RefusedChunks refused = new RefusedChunks();
    assertTrue(refused.add(640), "the first run posts a task");
    assertFalse(refused.add(640));
    refused.accepted();
    assertTrue(refused.add(320), "a refusal after an accepted message posts a task of its own");
    assertEquals(new RefusedChunks.Count(2, 1280), refused.take(), "the first task: run one");
    assertEquals(new RefusedChunks.Count(1, 320), refused.take(), "the second task: run two");
    assertEquals(new RefusedChunks.Count(0, 0), refused.take());
  }

  @Test
  void acceptingWithNoRunOpenChangesNothing() {
    RefusedChunks refused = new RefusedChunks();
    refused.accepted();
    assertTrue(refused.add(640));
    refused.accepted();
    refused.accepted();
    assertEquals(new RefusedChunks.Count(1, 640), refused.take());
    assertEquals(new RefusedChunks.Count(0, 0), refused.take());
  }
}
