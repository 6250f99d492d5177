package ai.voice.stt.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Interim results of one utterance: when they are due, and LocalAgreement-2 stable prefixes. */
class InterimHypothesesTest {
  private static final int FRAME = 480;

  private static InterimHypotheses speaking(long utterance, int voicedFrames) {
    InterimHypotheses interims = new InterimHypotheses(10 * FRAME);
    for (int i = 0; i < voicedFrames; i++) {
      interims.frame(utterance, true, FRAME);
    }
    return interims;
  }

  @Test
  void theFirstIsDueAfterHalfAnIntervalOfTheUtteranceTheNextAfterEachIntervalOneAtATime() {
    InterimHypotheses interims = speaking(0, 3);
    interims.frame(-1, false, FRAME);
    assertFalse(interims.due(), "no utterance open");
    interims = speaking(0, 4);
    assertFalse(interims.due());
    interims.frame(0, false, FRAME);
    assertTrue(interims.due(), "half an interval of the utterance, a gap between words included");
    interims.sent();
    for (int i = 0; i < 20; i++) {
      interims.frame(0, true, FRAME);
    }
    assertFalse(interims.due(), "one is being recognised");
    interims.heard(Optional.of("hello"));
    assertTrue(interims.due(), "enough new speech arrived meanwhile");
    interims.sent();
    interims.heard(Optional.of("hello there"));
    for (int i = 0; i < 9; i++) {
      interims.frame(0, true, FRAME);
    }
    assertFalse(interims.due(), "later ones wait for a whole interval");
    interims.frame(0, true, FRAME);
    assertTrue(interims.due());
  }

  @Test
  void wordsBecomeStableWhenTwoHypothesesInARowAgreeAndAreNeverRevised() {
    InterimHypotheses interims = speaking(0, 10);
    interims.sent();
    InterimHypotheses.Update first = interims.heard(Optional.of("he was not")).orElseThrow();
    assertEquals("", first.stable(), "one hypothesis agrees with nothing yet");
    assertEquals("he was not", first.unstable());
    assertEquals(0, first.revision());

    interims.sent();
    InterimHypotheses.Update second =
        interims.heard(Optional.of("He was not an old")).orElseThrow();
    assertEquals("He was not", second.stable(), "agreed up to here (case aside), as now spelt");
    assertEquals("an old", second.unstable());
    assertEquals(1, second.revision());

    interims.sent();
    InterimHypotheses.Update third =
        interims.heard(Optional.of("he was knot an ill-disposed")).orElseThrow();
    assertEquals("He was not", third.stable(), "a later hypothesis cannot revise stable words");

    interims.sent();
    InterimHypotheses.Update fourth =
        interims.heard(Optional.of("He was not an ill-disposed young man.")).orElseThrow();
    assertTrue(fourth.stable().startsWith(third.stable()));
    assertEquals(3, fourth.revision());
  }

  @Test
  void aWordAddedBeforeTheStablePrefixNeitherRevisesItNorRepeatsIt() {
    InterimHypotheses interims = speaking(0, 10);
    interims.sent();
    interims.heard(Optional.of("Mr. John Dashwood had"));
    interims.sent();
    interims.heard(Optional.of("Mr. John Dashwood had then"));
    interims.sent();
    InterimHypotheses.Update update =
        interims.heard(Optional.of("And Mr. John Dashwood had then leisure")).orElseThrow();
    assertEquals("Mr. John Dashwood had then", update.stable(), "'then' agreed twice now");
    assertEquals("leisure", update.unstable(), "what follows the stable words, once");
    interims.sent();
    InterimHypotheses.Update next =
        interims.heard(Optional.of("Mr. John Dashwood had then leisure to")).orElseThrow();
    assertEquals("Mr. John Dashwood had then leisure", next.stable());
    assertEquals("to", next.unstable());
  }

  @Test
  void aHypothesisForAnUtteranceThatEndedMeanwhileIsDropped() {
    InterimHypotheses interims = speaking(0, 10);
    interims.sent();
    interims.frame(-1, false, FRAME); // the utterance ended (its final is on the way)
    assertTrue(interims.heard(Optional.of("too late")).isEmpty());
    interims.frame(48_000, true, FRAME);
    assertFalse(interims.due(), "a new utterance starts counting afresh");
  }

  @Test
  void aFailedOrEmptyHypothesisPublishesNothing() {
    InterimHypotheses interims = speaking(0, 10);
    interims.sent();
    assertTrue(interims.heard(Optional.empty()).isEmpty());
    interims.sent();
    assertTrue(interims.heard(Optional.of("  ")).isEmpty());
  }
}
