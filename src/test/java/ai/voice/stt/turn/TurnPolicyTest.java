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
  private static final int DOUBT = 33;
  private static final int HOLD = 50;
  private static final OptionalDouble NONE = OptionalDouble.empty();

  private static TurnPolicy policy(Signals signals) {
    return new TurnPolicy(signals, 0.5, EARLY, SENTENCE, ENDPOINT, DOUBT, HOLD);
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
    assertEquals(ENDPOINT, new TurnPolicy(Signals.BOTH, 0.5, 7, 10, 20, 33, 5).holdFrames());
    assertEquals(ENDPOINT, new TurnPolicy(Signals.BOTH, 0.5, 7, 10, 20, 33, 5).doubtFrames());
    assertEquals(ENDPOINT, new TurnPolicy(Signals.BOTH, 0.5, 7, 10, 20, 3, 50).doubtFrames());
    assertThrows(
        IllegalArgumentException.class, () -> new TurnPolicy(Signals.BOTH, 1.0, 7, 10, 20, 33, 50));
    assertThrows(
        IllegalArgumentException.class,
        () -> new TurnPolicy(Signals.BOTH, 0.5, 12, 10, 20, 33, 50));
  }

  /**
   * The speculative answers measured on the paused requests (decisions/0026, {@code
   * SpeculativeWordsMeasurement}): tiny.en finished a request cut at its pause with a word nobody
   * said, placed at the end of the audio, after the voice had stopped (times in seconds from the
   * start of the speculative audio; the voice ends 0.21 s before it).
   */
  @Test
  void aSentenceFinishedWithAWordPlacedAfterTheVoiceIsDoubtful() {
    // "Please set an alarm for ‖ seven thirty in the morning", cut at the pause.
    assertEquals(Verdict.DOUBTFUL, verdict("Please set a alarm for it.", 1.95, 1.74));
    // "Book a table for ‖ four people at eight".
    assertEquals(Verdict.DOUBTFUL, verdict("Welcome Table for it.", 1.53, 1.32));
    // "What time does the ‖ pharmacy close today".
    assertEquals(Verdict.DOUBTFUL, verdict("What time does that?", 1.68, 1.47));
    // "Open the garage door ‖ and turn on the porch light".
    assertEquals(Verdict.DOUBTFUL, verdict("Open the garage door.", 1.77, 1.56));
  }

  /** Complete turns as measured: the last word starts before the voice stops. */
  @Test
  void aSentenceWhoseLastWordWasHeardIsComplete() {
    assertEquals(Verdict.COMPLETE, verdict("Yes.", 0.30, 0.81));
    assertEquals(Verdict.COMPLETE, verdict("Stop.", 0.31, 0.87));
    assertEquals(Verdict.COMPLETE, verdict("What is the capital of Australia?", 1.30, 2.16));
    assertEquals(
        Verdict.COMPLETE, verdict("Call the doctor and ask about my appointment.", 2.07, 3.09));
    assertEquals(Verdict.COMPLETE, verdict("Tell me a story about a dragon and aite.", 2.57, 2.85));
    // A head that is a sentence by itself, and said so: the words cannot tell (a known miss).
    assertEquals(Verdict.COMPLETE, verdict("I would like to order.", 1.28, 1.50));
    // Without word times (a recognizer that gives none) the text alone decides.
    assertEquals(Verdict.COMPLETE, TranscriptCompleteness.of("Yes.", OptionalDouble.empty(), 0.81));
  }

  /** The doubt only questions a sentence end: words that need more still hold. */
  @Test
  void theDoubtOnlyQuestionsASentenceEnd() {
    assertEquals(Verdict.INCOMPLETE, verdict("Can you remind me to?", 1.65, 1.44));
    assertEquals(Verdict.INCOMPLETE, verdict("How far is it from?", 1.65, 1.44));
    assertEquals(Verdict.UNKNOWN, verdict("At the furthest at 21 degrees", 2.21, 2.97));
  }

  /**
   * A doubtful end waits long enough for a mid-sentence pause to end (its bound), and the model's
   * "complete" does not shorten it: Smart Turn scored the cut "Please set an alarm for" 0.98.
   */
  @Test
  void aDoubtfulSentenceEndWaitsForThePauseToEnd() {
    assertEquals(DOUBT, policy(Signals.TRANSCRIPT).endpointFrames(Verdict.DOUBTFUL, NONE));
    assertEquals(DOUBT, policy(Signals.BOTH).endpointFrames(Verdict.DOUBTFUL, p(0.98)));
    assertEquals(DOUBT, policy(Signals.BOTH).endpointFrames(Verdict.DOUBTFUL, NONE));
    assertEquals(HOLD, policy(Signals.BOTH).endpointFrames(Verdict.DOUBTFUL, p(0.2)));
    assertFalse(policy(Signals.BOTH).early(DOUBT));
    // The model alone does not see the words.
    assertEquals(EARLY, policy(Signals.MODEL).endpointFrames(Verdict.DOUBTFUL, p(0.98)));
    // A heard sentence end still ends the turn at once.
    assertEquals(EARLY, policy(Signals.TRANSCRIPT).endpointFrames(Verdict.COMPLETE, NONE));
  }

  private static Verdict verdict(String text, double lastWordStart, double voiceEnd) {
    return TranscriptCompleteness.of(text, OptionalDouble.of(lastWordStart), voiceEnd);
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
