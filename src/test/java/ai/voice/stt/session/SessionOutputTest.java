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

  @Test
  void wordsAreKeptWhereAVadHeardVoiceAndTheResultCarriesTheSpeechSpan() {
    StreamMessage.Start words =
        new StreamMessage.Start(
            16_000,
            1,
            SessionState.LISTENING,
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            List.of(),
            true,
            false);
    // "No." in a segment at 2.0 s: speech 2.30-2.93 s (the end-pointing VAD), voice to 3.02 s
    // (the onset VAD); whisper put the full stop on the end of the audio (1.13 s into it).
    Transcript no =
        new Transcript(
            "No.",
            List.of(new Transcript.Timed("No.", 0.0, 1.14)),
            Optional.of("en"),
            0.1,
            List.of(new Transcript.Word("No.", 0.30, 1.13, 0.6)),
            java.util.OptionalDouble.of(0.6));
    out.result(
        new ResultSequencer.Slot(0, 32_000, 50_240),
        new Segment(new short[18_240], 32_000, true, true, 36_800, 46_880, 48_320),
        new InferenceScheduler.Outcome(no, 0),
        words,
        SessionState.LISTENING,
        null,
        0);
    OutputMessage.WordTiming timing = last().heard().wordTiming().orElseThrow();
    assertEquals(2.30, timing.speech().orElseThrow().start(), 1e-9);
    assertEquals(2.93, timing.speech().orElseThrow().end(), 1e-9);
    OutputMessage.TimedWord word = timing.words().getFirst();
    assertEquals(2.30, word.start(), 1e-9, "inside the voiced part already");
    assertEquals(3.02, word.end(), 1e-9, "the full stop's end pulled back to the last voice heard");

    out.result(
        new ResultSequencer.Slot(1, 50_240, 60_000),
        new Segment(new short[9_760], 50_240, true, false),
        new InferenceScheduler.Outcome(new Transcript("", List.of(), Optional.empty(), 0), 0),
        words,
        SessionState.LISTENING,
        null,
        0);
    assertTrue(last().heard().wordTiming().orElseThrow().speech().isEmpty(), "no speech, no span");
  }

  @Test
  void aSessionThatDidNotAskGetsNoWordTiming() {
    out.result(
        new ResultSequencer.Slot(0, 0, 16_000),
        new Segment(new short[16_000], 0, true, true),
        heard,
        settings,
        SessionState.LISTENING,
        null,
        0);
    assertTrue(last().heard().wordTiming().isEmpty());
  }
}
