package ai.voice.stt.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * What a replica tells one taking its session over: whether an output is on its way, and the last
 * one the server confirmed (which counts as delivered even when the results stream lacks it: a
 * stream without a leader stores nothing, while core subscribers still get the message).
 */
class OutputsInFlightTest {

  @Test
  void theLastConfirmedOutputIsRememberedAfterThePublishEnds() {
    OutputsInFlight inFlight = new OutputsInFlight();
    assertEquals(0, inFlight.lastPublished("s"));
    inFlight.started("s");
    assertTrue(inFlight.publishing("s"));
    inFlight.published("s", 1);
    inFlight.done("s");
    assertFalse(inFlight.publishing("s"));
    assertEquals(1, inFlight.lastPublished("s"));
    inFlight.published("s", 3);
    inFlight.published("s", 2); // never goes back
    assertEquals(3, inFlight.lastPublished("s"));
    assertEquals(0, inFlight.lastPublished("other"));
  }

  @Test
  void answersAreReadWithTheirNumberAndOlderOnesWithout() {
    assertEquals(
        new DeadOwnerRecord.OwnerAnswer(DeadOwnerRecord.OwnerSays.MAY_STILL_PUBLISH, 4),
        OutputQuestions.parse("publishing 4"));
    assertEquals(
        new DeadOwnerRecord.OwnerAnswer(DeadOwnerRecord.OwnerSays.IDLE, 2),
        OutputQuestions.parse("idle 2"));
    assertEquals(
        new DeadOwnerRecord.OwnerAnswer(DeadOwnerRecord.OwnerSays.IDLE, 0),
        OutputQuestions.parse("idle"));
  }
}
