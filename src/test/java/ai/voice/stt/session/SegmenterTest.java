package ai.voice.stt.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The end-pointing policy, frame by frame. Frames are 480 samples (30 ms at 16 kHz); "S" is a
 * voiced frame, "." a silent one, and "s" one that only the lenient onset VAD calls speech (the
 * stricter end-pointing VAD does not: a hang-over, a breath, a soft word ending).
 */
class SegmenterTest {
  private static final int FRAME = 480;
  // 3 voiced frames open, 5 silent frames close, 2 frames of pre-roll, 1 trailing, 40-frame buffer
  private static final SegmenterSettings SETTINGS = new SegmenterSettings(3, 5, 2, 1, 40 * FRAME);

  @Test
  void silenceAloneNeverProducesASegment() {
    assertTrue(feed(new Segmenter(SETTINGS), ".".repeat(200)).isEmpty());
  }

  @Test
  void shortBurstsBelowTheMinimumDoNotOpenAnUtterance() {
    assertTrue(feed(new Segmenter(SETTINGS), "..SS...S.SS....").isEmpty());
  }

  @Test
  void anUtteranceEndsAfterTheEndpointSilenceAndKeepsPreRollAndTrailingSilence() {
    Segmenter segmenter = new Segmenter(SETTINGS);
    // frames 0-4 silent, 5-10 voiced, 11-15 silent -> closes on frame 15
    List<Segment> segments = feed(segmenter, ".....SSSSSS.....");
    assertEquals(1, segments.size());
    Segment s = segments.get(0);
    assertTrue(s.isFinal());
    // pre-roll of 2 frames before the first voiced frame (5) -> starts at frame 3
    assertEquals(3L * FRAME, s.startSample());
    // frames 3..10 voiced span plus 1 trailing silent frame -> ends after frame 11
    assertEquals(12L * FRAME, s.endSample());
  }

  @Test
  void aGapOfRefusedAudioEndsTheUtteranceBeforeItAndMovesTheTimelinePastIt() {
    Segmenter segmenter = new Segmenter(SETTINGS);
    assertTrue(feed(segmenter, "SSSSSS").isEmpty());
    Optional<Segment> cut = segmenter.skip(new short[0], 10L * FRAME);
    assertTrue(cut.isPresent() && cut.get().isFinal());
    assertEquals(6L * FRAME, cut.get().endSample(), "the utterance ends where the gap begins");
    assertEquals(16L * FRAME, segmenter.position());
    List<Segment> after = feed(segmenter, "SSSS........");
    assertEquals(16L * FRAME, after.getFirst().startSample(), "no pre-roll from before the gap");
  }

  @Test
  void theSilenceHeardAtTheEndOfAnOpenUtteranceIsKnown() {
    Segmenter segmenter = new Segmenter(SETTINGS);
    feed(segmenter, "SSSS..");
    assertEquals(2L * FRAME, segmenter.trailingSilenceSamples());
    feed(segmenter, "S");
    assertEquals(0, segmenter.trailingSilenceSamples());
    feed(segmenter, ".....");
    assertFalse(segmenter.inUtterance());
    assertEquals(0, segmenter.trailingSilenceSamples(), "no open utterance");
  }

  @Test
  void whatOnlyTheLenientVadHearsAfterTheWordsIsPause() {
    // The utterance ends and is cut as if the lenient VAD's hang-over and breath were silence ...
    List<Segment> soft = feed(new Segmenter(SETTINGS), ".....SSSSSSsssss");
    List<Segment> silent = feed(new Segmenter(SETTINGS), ".....SSSSSS.....");
    assertEquals(1, soft.size());
    assertEquals(silent.getFirst().endSample(), soft.getFirst().endSample());
  }

  @Test
  void lenientSpeechRunningOnFromAnEndedUtteranceOpensNoNewOne() {
    Segmenter segmenter = new Segmenter(SETTINGS);
    // ... and what the lenient VAD goes on hearing after the end is not a new utterance ...
    assertEquals(1, feed(segmenter, ".....SSSSSSsssssssss").size());
    assertFalse(segmenter.inUtterance());
    // ... until it has been quiet once, or the end-pointing VAD hears speech.
    feed(segmenter, ".sss");
    assertTrue(segmenter.inUtterance());
    Segmenter other = new Segmenter(SETTINGS);
    feed(other, ".....SSSSSSsssssssssSSS");
    assertTrue(other.inUtterance());
  }

  @Test
  void theSpeculativeCandidateComesWithTheStricterVadsPauseAndHoldsTheSoftTail() {
    SegmenterSettings settings = new SegmenterSettings(3, 20, 2, 7, 400 * FRAME, 20, 4);
    Segmenter segmenter = new Segmenter(settings);
    feed(segmenter, "SSSSSS");
    boolean offered = false;
    for (char c : "sss".toCharArray()) {
      segmenter.accept(new short[FRAME], c == 's', false);
      offered |= segmenter.settled().isPresent();
    }
    assertFalse(offered, "three frames into the pause");
    segmenter.accept(new short[FRAME], true, false);
    Segment candidate = segmenter.settled().orElseThrow();
    assertEquals(10L * FRAME, candidate.endSample(), "every frame so far, the soft ones included");
  }

  @Test
  void aSpeakerTheStricterVadNeverHearsIsEndedByTheOnsetVadAlone() {
    // Quiet speech, all "s": it opens an utterance and is not cut while the onset VAD hears it.
    assertTrue(feed(new Segmenter(SETTINGS), "..ssssssssssssssssssss").isEmpty());
    List<Segment> ended = feed(new Segmenter(SETTINGS), "..ssssssssssssssssssss.....");
    assertEquals(1, ended.size());
  }

  @Test
  void pausesShorterThanTheEndpointStayInsideOneUtterance() {
    List<Segment> segments = feed(new Segmenter(SETTINGS), "SSSS...SSSS...SSS.....");
    assertEquals(1, segments.size());
  }

  @Test
  void twoUtterancesSeparatedByLongSilenceGiveTwoFinals() {
    List<Segment> segments = feed(new Segmenter(SETTINGS), "SSSS........SSSS........");
    assertEquals(2, segments.size());
    assertTrue(segments.get(0).endSample() <= segments.get(1).startSample());
  }

  @Test
  void theBufferLimitCutsAPartialAndTheUtteranceGoesOn() {
    List<Segment> segments = feed(new Segmenter(SETTINGS), "S".repeat(90) + ".....");
    assertEquals(3, segments.size());
    assertFalse(segments.get(0).isFinal());
    assertFalse(segments.get(1).isFinal());
    assertTrue(segments.get(2).isFinal());
    // partials are consecutive: no audio between them is lost
    assertEquals(segments.get(0).endSample(), segments.get(1).startSample());
    assertEquals(segments.get(1).endSample(), segments.get(2).startSample());
  }

  @Test
  void aPartialCutMovesBackToTheLatestPauseSoWordsAreNotSplit() {
    // 30 voiced, 1 silent (frame index 30 of the utterance), 9 voiced -> limit at 40 frames
    List<Segment> segments = feed(new Segmenter(SETTINGS), "S".repeat(30) + "." + "S".repeat(12));
    assertEquals(1, segments.size());
    assertFalse(segments.get(0).isFinal());
    assertEquals(31L * FRAME, segments.get(0).endSample());
  }

  @Test
  void silenceAfterAPartialCutClosesTheUtteranceAsAVoicelessFinal() {
    List<Segment> segments = feed(new Segmenter(SETTINGS), "S".repeat(40) + "......");
    assertEquals(2, segments.size());
    assertFalse(segments.get(0).isFinal());
    assertTrue(segments.get(1).isFinal());
    assertFalse(segments.get(1).hasVoice());
  }

  @Test
  void flushClosesAnOpenUtteranceIncludingTheSamplesOfAnUnfinishedFrame() {
    Segmenter segmenter = new Segmenter(SETTINGS);
    feed(segmenter, "SSSS");
    Optional<Segment> flushed = segmenter.flush(new short[100]);
    assertTrue(flushed.isPresent());
    assertTrue(flushed.get().isFinal());
    assertEquals(4L * FRAME + 100, flushed.get().endSample());
  }

  @Test
  void flushWithoutSpeechGivesNothing() {
    Segmenter segmenter = new Segmenter(SETTINGS);
    feed(segmenter, "..S..");
    assertTrue(segmenter.flush(new short[10]).isEmpty());
  }

  @Test
  void positionCountsEveryAcceptedSample() {
    Segmenter segmenter = new Segmenter(SETTINGS);
    feed(segmenter, "..SSSS......");
    segmenter.flush(new short[7]);
    assertEquals(12L * FRAME + 7, segmenter.position());
  }

  @Test
  void theFinalSegmentIsOfferedOnceItsAudioIsFixedAndTheEndPointCutsExactlyThatAudio() {
    // 2 trailing frames kept: the candidate is fixed at the second silent frame.
    SegmenterSettings settings = new SegmenterSettings(3, 5, 2, 2, 40 * FRAME);
    Segmenter segmenter = new Segmenter(settings);
    List<Segment> candidates = new ArrayList<>();
    List<Segment> finals = new ArrayList<>();
    for (char c : ".....SSSSSS.....".toCharArray()) {
      segmenter.accept(new short[FRAME], c == 'S').ifPresent(finals::add);
      segmenter.settled().ifPresent(candidates::add);
    }
    assertEquals(1, candidates.size(), "offered once, at the frame that fixed it");
    assertEquals(1, finals.size());
    assertEquals(candidates.getFirst().startSample(), finals.getFirst().startSample());
    assertEquals(candidates.getFirst().endSample(), finals.getFirst().endSample());
    assertTrue(candidates.getFirst().isFinal() && candidates.getFirst().hasVoice());
  }

  @Test
  void aSoonerLookIsOfferedAtItsFrameAndTheWholeTrailingSilenceAtTheFinalsFrame() {
    // 4 trailing frames kept: a look one frame into the pause, and the final's audio at the fourth.
    SegmenterSettings settings = new SegmenterSettings(3, 6, 2, 4, 40 * FRAME);
    Segmenter segmenter = new Segmenter(settings);
    List<Segment> soon = new ArrayList<>();
    List<Segment> whole = new ArrayList<>();
    List<Segment> finals = new ArrayList<>();
    for (char c : "SSSS........".toCharArray()) {
      segmenter.accept(new short[FRAME], c == 'S').ifPresent(finals::add);
      segmenter.settledAt(1).ifPresent(soon::add);
      segmenter.settledWhole().ifPresent(whole::add);
    }
    assertEquals(1, soon.size(), "offered once, one frame into the pause");
    assertEquals(5L * FRAME, soon.getFirst().endSample());
    assertEquals(1, whole.size());
    assertEquals(1, finals.size());
    assertEquals(finals.getFirst().endSample(), whole.getFirst().endSample(), "the final's audio");
    assertEquals(8L * FRAME, whole.getFirst().endSample());
  }

  @Test
  void speechAfterTheCandidateMakesTheFinalLonger() {
    SegmenterSettings settings = new SegmenterSettings(3, 5, 2, 2, 40 * FRAME);
    Segmenter segmenter = new Segmenter(settings);
    List<Segment> candidates = new ArrayList<>();
    List<Segment> finals = new ArrayList<>();
    for (char c : "SSSS...SSS.....".toCharArray()) {
      segmenter.accept(new short[FRAME], c == 'S').ifPresent(finals::add);
      segmenter.settled().ifPresent(candidates::add);
    }
    assertEquals(2, candidates.size(), "one per pause");
    assertEquals(1, finals.size(), "the first pause was not the end");
    assertTrue(finals.getFirst().endSample() > candidates.getFirst().endSample());
    assertEquals(candidates.getLast().endSample(), finals.getFirst().endSample());
  }

  @Test
  void aSentenceEndClosesThePauseSoonerWithTheSameAudio() {
    // end-point 10 frames; 4 after a finished sentence; 2 trailing kept
    SegmenterSettings settings = new SegmenterSettings(3, 10, 2, 2, 40 * FRAME, 4, 2);
    Segmenter segmenter = new Segmenter(settings);
    assertTrue(feed(segmenter, "SSSSS..").isEmpty());
    Segment candidate = segmenter.settled().orElseThrow();
    assertTrue(segmenter.endSentence().isEmpty(), "the pause is 2 frames, not yet 4");
    List<Segment> finals = feed(segmenter, "..");
    assertEquals(1, finals.size(), "closed after 4 silent frames, not 10");
    assertEquals(candidate.endSample(), finals.getFirst().endSample());
  }

  @Test
  void aSentenceEndHeardLateClosesAtOnceAndSpeechForgetsIt() {
    SegmenterSettings settings = new SegmenterSettings(3, 10, 2, 2, 40 * FRAME, 4, 2);
    Segmenter late = new Segmenter(settings);
    feed(late, "SSSSS.....");
    Optional<Segment> now = late.endSentence();
    assertTrue(now.isPresent(), "the pause is already longer than the sentence end-point");
    assertEquals(7L * FRAME, now.get().endSample(), "5 voiced + 2 trailing frames");

    Segmenter resumed = new Segmenter(settings);
    feed(resumed, "SSSSS..");
    resumed.endSentence();
    assertTrue(feed(resumed, "SS....").isEmpty(), "speech resumed: the full end-point applies");
  }

  @Test
  void aPauseHeldMidTurnOutlastsTheEndpointAndEndsAtItsBound() {
    SegmenterSettings settings = new SegmenterSettings(3, 10, 2, 2, 40 * FRAME, 4, 2);
    Segmenter held = new Segmenter(settings);
    feed(held, "SSSSS..");
    assertEquals(10, held.endpointFrames());
    assertTrue(held.endPauseAfter(15).isEmpty());
    assertEquals(15, held.endpointFrames(), "what the wall-clock end-point counts against");
    assertTrue(feed(held, "..........").isEmpty(), "12 silent frames: past 10, held to 15");
    assertTrue(feed(held, "SS").isEmpty(), "speech came back: one utterance goes on");
    assertEquals(10, held.endpointFrames());
    List<Segment> finals = feed(held, "..........");
    assertEquals(1, finals.size(), "the hold was forgotten: the 10-frame end-point applies again");
    assertEquals(0, finals.getFirst().startSample() % FRAME);

    Segmenter bound = new Segmenter(settings);
    feed(bound, "SSSSS..");
    bound.endPauseAfter(15);
    assertEquals(1, feed(bound, ".............").size(), "ended at the bound, 15 frames");
  }

  @Test
  void aCompleteTurnEndsThePauseAtOnceKeepingTheTrailingSilence() {
    SegmenterSettings settings = new SegmenterSettings(3, 10, 2, 2, 40 * FRAME, 4, 2);
    Segmenter segmenter = new Segmenter(settings);
    feed(segmenter, "SSSSS...");
    Segment now = segmenter.endPauseAfter(1).orElseThrow();
    assertEquals(7L * FRAME, now.endSample(), "5 voiced + 2 trailing frames");
  }

  @Test
  void thePreviewIsTheOpenUtteranceSoFarAndTakesNothingFromIt() {
    Segmenter segmenter = new Segmenter(SETTINGS);
    assertTrue(segmenter.preview().isEmpty());
    feed(segmenter, "..SSSS");
    Segment soFar = segmenter.preview().orElseThrow();
    assertEquals(segmenter.utteranceStart(), soFar.startSample());
    assertEquals(6L * FRAME, soFar.endSample());
    List<Segment> finals = feed(segmenter, ".....");
    assertEquals(soFar.startSample(), finals.getFirst().startSample());
  }

  @Test
  void aSegmentKnowsWhereTheVadHeardItsSpeech() {
    // pre-roll 3-4, speech 5-10 (the end-pointing VAD's), the onset VAD's hang-over 11-12, then
    // silence: the pause counts from frame 11, and the segment keeps 1 trailing frame of it.
    Segment s = feed(new Segmenter(SETTINGS), ".....SSSSSSss.....").getFirst();
    assertEquals(3L * FRAME, s.startSample());
    assertEquals(12L * FRAME, s.endSample());
    assertEquals(5L * FRAME, s.speechStartSample(), "the first voiced frame");
    assertEquals(11L * FRAME, s.speechEndSample(), "the last frame the end-pointing VAD heard");
    assertEquals(
        12L * FRAME, s.voiceEndSample(), "the last frame either VAD heard, in the segment");
    assertTrue(s.endSample() >= s.voiceEndSample());
  }

  @Test
  void aFlushedUtterancesSpeechEndsAtItsLastVoicedFrameNotAtTheTail() {
    Segmenter segmenter = new Segmenter(SETTINGS);
    feed(segmenter, "SSSS");
    Segment cut = segmenter.flush(new short[FRAME]).orElseThrow();
    assertEquals(0, cut.speechStartSample());
    assertEquals(4L * FRAME, cut.speechEndSample());
    assertEquals(5L * FRAME, cut.endSample());
  }

  private static List<Segment> feed(Segmenter segmenter, String pattern) {
    List<Segment> out = new ArrayList<>();
    for (char c : pattern.toCharArray()) {
      segmenter.accept(new short[FRAME], c == 'S' || c == 's', c == 'S').ifPresent(out::add);
    }
    return out;
  }
}
