package ai.voice.stt.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.protocol.SessionState;
import ai.voice.stt.protocol.StreamMessage;
import org.junit.jupiter.api.Test;

/** The order of a session's results, utterance by utterance: no threads, no recognizer. */
class ResultSequencerTest {
  private static Segment segment(long start, int samples, boolean isFinal) {
    return new Segment(new short[samples], start, isFinal, true);
  }

  private static ResultSequencer fresh(Backlog backlog) {
    return new ResultSequencer(backlog, SessionCheckpoint.fresh("", 0));
  }

  @Test
  void oneUtteranceAtTheRecognizerAtATimeTheRestWaitInOrder() {
    Backlog backlog = new Backlog();
    ResultSequencer results = fresh(backlog);
    Segment first = segment(0, 16_000, true);
    Segment second = segment(20_000, 8_000, true);
    results.add(first, 0);
    results.add(second, 1);
    assertSame(first, results.nextForRecognizer().orElseThrow().segment());
    assertTrue(results.nextForRecognizer().isEmpty(), "one at a time");
    assertEquals(24_000, results.backlogSamples());
    assertEquals(1, backlog.waitingUtterances(), "the second waits in the session");
    assertSame(first, results.returned().segment());
    assertSame(second, results.nextForRecognizer().orElseThrow().segment());
    results.returned();
    assertTrue(results.idle());
    assertEquals(0, backlog.seconds(), 1e-9);
  }

  @Test
  void resultsAreNumberedWithoutGapsAndCoverTheTimelineWithoutOverlap() {
    ResultSequencer results = fresh(new Backlog());
    ResultSequencer.Slot first = results.resultFor(segment(4_800, 16_000, false), false, 0);
    ResultSequencer.Slot second = results.resultFor(segment(16_000, 9_600, true), false, 0);
    assertEquals(new ResultSequencer.Slot(0, 4_800, 20_800), first);
    assertEquals(
        new ResultSequencer.Slot(1, 20_800, 25_600), second, "starts where the last one ended");
    ResultSequencer.Slot last = results.lastEmpty(40_000);
    assertEquals(new ResultSequencer.Slot(2, 25_600, 40_000), last, "the rest of the audio");
  }

  @Test
  void theLastResultOfAnUtteranceStretchesToTheEndOfTheAudio() {
    ResultSequencer results = fresh(new Backlog());
    assertEquals(
        new ResultSequencer.Slot(0, 0, 48_000),
        results.resultFor(segment(0, 32_000, true), true, 48_000));
  }

  @Test
  void theReplayPointIsTheFirstChunkNotYetCoveredByAResult() {
    ResultSequencer results = fresh(new Backlog());
    results.mark(10, 0, 0);
    results.mark(11, 16_000, 16_000);
    results.mark(12, 32_000, 32_000);
    results.resultFor(segment(0, 20_000, true), false, 0); // covers up to 20,000
    assertEquals(new ResultSequencer.Mark(11, 16_000, 16_000), results.replayPoint());
  }

  @Test
  void aSessionCarriedOnFromAnotherReplicaContinuesItsSequenceAndCoverage() {
    SessionCheckpoint from =
        new SessionCheckpoint(
            "r1",
            40,
            45,
            64_000,
            64_000,
            60_000,
            7,
            9,
            SessionState.LISTENING,
            StreamMessage.Start.defaults(),
            true,
            0);
    ResultSequencer results = new ResultSequencer(new Backlog(), from);
    assertEquals(7, results.nextSequence());
    assertEquals(
        new ResultSequencer.Slot(7, 60_000, 70_000),
        results.resultFor(segment(58_000, 12_000, true), false, 0));
    assertEquals(new ResultSequencer.Mark(40, 64_000, 64_000), results.replayPoint());
  }

  @Test
  void aLeavingSessionTakesItsWaitingAudioOutOfTheBacklog() {
    Backlog backlog = new Backlog();
    ResultSequencer results = fresh(backlog);
    results.add(segment(0, 16_000, true), 0);
    results.add(segment(16_000, 16_000, true), 0);
    results.nextForRecognizer();
    results.dropAll();
    assertEquals(0, backlog.seconds(), 1e-9);
    assertEquals(0, backlog.waitingUtterances());
    assertFalse(results.atRecognizer());
  }

  @Test
  void aSilentSessionsReplayPointMovesOnWithItsAudioAndItsMarksStayFew() {
    ResultSequencer results = fresh(new Backlog());
    // Ten minutes of 20 ms chunks of silence: the segmenter needs only its pre-roll (~0.3 s).
    for (long chunk = 1; chunk <= 30_000; chunk++) {
      long timeline = (chunk - 1) * 320;
      results.mark(chunk, timeline, timeline);
      results.quietBefore(Math.max(0, timeline + 320 - 4_800));
    }
    assertTrue(results.marksHeld() <= 16, "marks held: " + results.marksHeld());
    ResultSequencer.Mark from = results.replayPoint();
    assertTrue(from.seq() > 29_980, "replays from the last moments, not the start: " + from);
    assertEquals(
        0, results.coveredUntil(), "the next result still covers from where results ended");
  }

  @Test
  void whileAnUtteranceWaitsTheReplayPointStaysBeforeIt() {
    ResultSequencer results = fresh(new Backlog());
    results.mark(1, 0, 0);
    results.add(segment(0, 16_000, true), 0);
    results.mark(2, 16_000, 16_000);
    results.quietBefore(16_000);
    assertEquals(1, results.replayPoint().seq(), "the waiting utterance's audio is replayed");
  }
}
