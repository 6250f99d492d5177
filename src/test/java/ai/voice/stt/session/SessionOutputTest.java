package ai.voice.stt.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.protocol.OutputMessage;
import ai.voice.stt.protocol.SessionState;
import ai.voice.stt.protocol.StreamMessage;
import ai.voice.stt.recognizer.InferenceScheduler;
import ai.voice.stt.recognizer.Transcript;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How a session's results are worded: kind, timeline, segments, language and speaker. */
class SessionOutputTest {
  private final List<OutputMessage> sent = new ArrayList<>();
  private final SessionOutput out = new SessionOutput("s", sent::add, false);
  private final StreamMessage.Start settings =
      new StreamMessage.Start(
          16_000, 1, SessionState.LISTENING, Optional.of("bob"), Optional.of("de"));
  private final InferenceScheduler.Outcome heard =
      new InferenceScheduler.Outcome(
          new Transcript(
              "hallo welt",
              List.of(new Transcript.Timed("hallo welt", 0.1, 0.9)),
              Optional.empty(),
              0.2),
          0.05);

  private OutputMessage.Transcription last() {
    return (OutputMessage.Transcription) sent.getLast();
  }

  @Test
  void aFinalSegmentIsTheFinalOfItsUtteranceWithSegmentsOnTheSessionsTimeline() {
    out.result(
        new ResultSequencer.Slot(3, 32_000, 48_000),
        new Segment(new short[16_000], 32_000, true, true),
        heard,
        settings,
        SessionState.LISTENING,
        null,
        0);
    OutputMessage.Transcription t = last();
    assertTrue(t.isFinal());
    assertFalse(t.isPartial() || t.endOfStream());
    assertEquals(3, t.sequence());
    assertEquals(2.0, t.audioStart());
    assertEquals(3.0, t.audioEnd());
    assertEquals(2.1, t.segments().getFirst().start(), 1e-9, "segment times offset to the session");
    assertEquals(Optional.of("de"), t.language(), "the session's language when whisper names none");
    assertEquals(Optional.of("bob"), t.speakerId());
  }

  @Test
  void aSegmentCutAtTheBufferLimitIsABufferCut() {
    out.result(
        new ResultSequencer.Slot(0, 0, 16_000),
        new Segment(new short[16_000], 0, false, true),
        heard,
        settings,
        SessionState.RESPONDING,
        null,
        0);
    assertTrue(last().isPartial());
    assertEquals(SessionState.RESPONDING, last().state());
  }

  @Test
  void theLastResultCarriesItsEndReasonWhetherOrNotSomethingWasHeard() {
    out.result(
        new ResultSequencer.Slot(5, 0, 16_000),
        new Segment(new short[16_000], 0, true, true),
        heard,
        settings,
        SessionState.LISTENING,
        "end",
        0);
    assertEquals(Optional.of("end"), last().endReason());
    out.lastEmpty(
        new ResultSequencer.Slot(6, 16_000, 20_000),
        settings,
        SessionState.LISTENING,
        "idle_timeout",
        0);
    assertEquals(Optional.of("idle_timeout"), last().endReason());
    assertEquals("", last().transcript());
    assertTrue(last().isFinal());
  }
}
