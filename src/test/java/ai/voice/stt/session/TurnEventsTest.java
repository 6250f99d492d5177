package ai.voice.stt.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Which finals end a turn, and when speech resumes one that ended early (samples at 16 kHz). */
class TurnEventsTest {
  private static final long WINDOW = 24_000; // 1.5 s

  private static Segment segment(long start, int length) {
    return new Segment(new short[length], start, true, true);
  }

  @Test
  void aPauseEndedFinalEndsATurnWithWhatWasJudged() {
    TurnEvents turns = new TurnEvents(WINDOW);
    Segment s = segment(0, 16_000);
    turns.pauseJudged(OptionalDouble.of(0.9), true);
    turns.pauseEnded(s);
    TurnEvents.Ended ended = turns.published(s, 4).orElseThrow();
    assertTrue(ended.early());
    assertEquals(OptionalDouble.of(0.9), ended.completeness());
  }

  @Test
  void aJudgementVoidedBySpeechIsNotReported() {
    TurnEvents turns = new TurnEvents(WINDOW);
    Segment s = segment(0, 16_000);
    turns.pauseJudged(OptionalDouble.of(0.9), true);
    turns.speechGoesOn();
    turns.pauseEnded(s);
    TurnEvents.Ended ended = turns.published(s, 0).orElseThrow();
    assertFalse(ended.early());
    assertTrue(ended.completeness().isEmpty());
  }

  @Test
  void aFinalNotEndedByAPauseEndsNoTurn() {
    TurnEvents turns = new TurnEvents(WINDOW);
    assertTrue(turns.published(segment(0, 100), 0).isEmpty());
  }

  @Test
  void speechSoonAfterAnEarlyEndResumesTheTurnOnce() {
    TurnEvents turns = new TurnEvents(WINDOW);
    Segment s = segment(0, 16_000);
    turns.pauseJudged(OptionalDouble.empty(), true);
    turns.pauseEnded(s);
    turns.published(s, 2);
    assertEquals(OptionalLong.of(2), turns.onset(16_000 + 8_000));
    assertTrue(turns.onset(16_000 + 9_000).isEmpty());
  }

  @Test
  void speechHeardBeforeTheFinalIsOutResumesOnceItIs() {
    TurnEvents turns = new TurnEvents(WINDOW);
    Segment s = segment(0, 16_000);
    turns.pauseJudged(OptionalDouble.empty(), true);
    turns.pauseEnded(s);
    assertTrue(turns.onset(20_000).isEmpty());
    turns.published(s, 7);
    assertEquals(OptionalLong.of(7), turns.resumed());
  }

  @Test
  void speechAfterTheWindowOrAfterALateEndResumesNothing() {
    TurnEvents turns = new TurnEvents(WINDOW);
    Segment early = segment(0, 16_000);
    turns.pauseJudged(OptionalDouble.empty(), true);
    turns.pauseEnded(early);
    turns.published(early, 0);
    assertTrue(turns.onset(16_000 + WINDOW + 1).isEmpty());
    Segment late = segment(50_000, 16_000);
    turns.pauseEnded(late);
    turns.published(late, 1);
    assertTrue(turns.onset(66_100).isEmpty());
  }
}
