package ai.voice.stt.turn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.turn.TranscriptCompleteness.Verdict;
import ai.voice.stt.turn.TurnPolicy.Signals;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** The end-of-turn rules, pause by pause (frames of 30 ms). */
class TurnPolicyTest {
  private static final int EARLY = 7;
  private static final int SENTENCE = 10;
  private static final int ENDPOINT = 20;
  private static final int HOLD = 50;
  private static final OptionalDouble NONE = OptionalDouble.empty();

  private static TurnPolicy policy(Signals signals) {
    return new TurnPolicy(signals, 0.5, EARLY, SENTENCE, ENDPOINT, HOLD);
  }

  private static OptionalDouble p(double value) {
    return OptionalDouble.of(value);
  }

  @Test
  void wordsThatNeedMoreHoldThePauseWhateverTheModelSays() {
    TurnPolicy both = policy(Signals.BOTH);
    assertEquals(HOLD, both.endpointFrames("I would like to order a taxi for", p(0.98)));
    assertEquals(HOLD, both.endpointFrames("Tell me a story about.", p(0.9)));
    assertEquals(HOLD, both.endpointFrames("Send a message to", NONE));
    assertEquals(HOLD, both.endpointFrames("Call the doctor and...", p(0.1)));
  }

  @Test
  void aCompleteTurnEndsNow() {
    TurnPolicy both = policy(Signals.BOTH);
    assertEquals(EARLY, both.endpointFrames("Yes.", p(0.9)));
    assertEquals(EARLY, both.endpointFrames("Yes.", NONE));
    assertEquals(EARLY, both.endpointFrames("What is the capital of Australia?", p(0.5)));
    assertTrue(both.early(EARLY));
  }

  @Test
  void theModelHoldsWhatTheWordsCannotTell() {
    TurnPolicy both = policy(Signals.BOTH);
    assertEquals(HOLD, both.endpointFrames("I would like to order", p(0.2)));
    assertEquals(EARLY, both.endpointFrames("I would like to order", p(0.8)));
  }

  @Test
  void theModelAloneDoesNotKeepAFinishedSentenceWaitingBeyondTheSentenceRule() {
    assertEquals(SENTENCE, policy(Signals.BOTH).endpointFrames("Book it for me.", p(0.1)));
    assertFalse(policy(Signals.BOTH).early(SENTENCE));
  }

  @Test
  void nothingKnownKeepsTheConfiguredEndpoint() {
    assertEquals(ENDPOINT, policy(Signals.BOTH).endpointFrames("", NONE));
    assertEquals(ENDPOINT, policy(Signals.BOTH).endpointFrames("I would like to order", NONE));
  }

  @Test
  void eachSignalAlone() {
    TurnPolicy words = policy(Signals.TRANSCRIPT);
    assertEquals(HOLD, words.endpointFrames("Turn off the lights in", p(0.99)));
    assertEquals(EARLY, words.endpointFrames("Yes.", p(0.01)));
    assertEquals(ENDPOINT, words.endpointFrames("I would like to order", p(0.01)));
    TurnPolicy model = policy(Signals.MODEL);
    assertEquals(EARLY, model.endpointFrames("Turn off the lights in", p(0.99)));
    assertEquals(HOLD, model.endpointFrames("Yes.", p(0.01)));
    assertEquals(ENDPOINT, model.endpointFrames("Yes.", NONE));
  }

  @Test
  void theHoldIsNeverShorterThanTheEndpoint() {
    assertEquals(ENDPOINT, new TurnPolicy(Signals.BOTH, 0.5, 7, 10, 20, 5).holdFrames());
    assertThrows(
        IllegalArgumentException.class, () -> new TurnPolicy(Signals.BOTH, 1.0, 7, 10, 20, 50));
    assertThrows(
        IllegalArgumentException.class, () -> new TurnPolicy(Signals.BOTH, 0.5, 12, 10, 20, 50));
  }

  @Test
  void transcriptVerdicts() {
    assertEquals(Verdict.INCOMPLETE, TranscriptCompleteness.of("Please set an alarm for"));
    assertEquals(Verdict.INCOMPLETE, TranscriptCompleteness.of("What time does the."));
    assertEquals(Verdict.INCOMPLETE, TranscriptCompleteness.of("I want to, um"));
    assertEquals(Verdict.INCOMPLETE, TranscriptCompleteness.of("So I was thinking,"));
    assertEquals(Verdict.INCOMPLETE, TranscriptCompleteness.of("Maybe tomorrow..."));
    assertEquals(Verdict.COMPLETE, TranscriptCompleteness.of("Yes."));
    assertEquals(Verdict.COMPLETE, TranscriptCompleteness.of(" Turn it off!"));
    assertEquals(Verdict.COMPLETE, TranscriptCompleteness.of("Is it raining?"));
    assertEquals(Verdict.UNKNOWN, TranscriptCompleteness.of("I would like to order"));
    assertEquals(Verdict.UNKNOWN, TranscriptCompleteness.of(""));
    assertEquals(Verdict.UNKNOWN, TranscriptCompleteness.of("?"));
  }
}
