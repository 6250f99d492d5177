package ai.voice.stt.session;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class SpeculationTest {
  private static final Segment CANDIDATE = new Segment(new short[16_000], 8_000, true, true);
  private final CompletableFuture<Recognition.Returned> answer = new CompletableFuture<>();

  @Test
  void theFinalOfTheSameAudioTakesTheSpeculativeAnswer() {
    Speculation speculation = new Speculation();
    speculation.start(CANDIDATE, answer);
    Segment same = new Segment(new short[16_000], 8_000, true, true);
    assertSame(answer, speculation.claim(same).orElseThrow());
    assertFalse(speculation.live(), "claimed once");
  }

  @Test
  void aFinalWithOnlyMoreSilenceAfterItStillTakesIt() {
    Speculation speculation = new Speculation();
    speculation.start(CANDIDATE, answer);
    Segment flushedLater = new Segment(new short[20_000], 8_000, true, true);
    assertTrue(speculation.claim(flushedLater).isPresent());
  }

  @Test
  void aFinalReachingSpeechTheOnsetVadHeardAfterTheCandidateDoesNot() {
    // CANDIDATE covers 8,000-24,000; a soft word ending heard at 24,480 that the end-pointing VAD
    // called pause.
    assertTrue(claimAfterSoftEnding(20_000).isEmpty(), "the final holds audio never heard");
    assertTrue(claimAfterSoftEnding(16_480).isPresent(), "a final cut before it takes the answer");
  }

  private Optional<CompletableFuture<Recognition.Returned>> claimAfterSoftEnding(int finalLength) {
    Speculation speculation = new Speculation();
    speculation.start(CANDIDATE, answer);
    speculation.heard(24_480);
    return speculation.claim(new Segment(new short[finalLength], 8_000, true, true));
  }

  @Test
  void aSegmentFromElsewhereOrACutAtTheBufferLimitDoesNot() {
    Speculation speculation = new Speculation();
    speculation.start(CANDIDATE, answer);
    assertTrue(speculation.claim(new Segment(new short[16_000], 0, true, true)).isEmpty());
    assertFalse(speculation.live(), "a mismatch ends the speculation: it is wasted");
    speculation.start(CANDIDATE, answer);
    assertTrue(speculation.claim(new Segment(new short[16_000], 8_000, false, true)).isEmpty());
  }

  @Test
  void speechResumingDiscardsIt() {
    Speculation speculation = new Speculation();
    assertFalse(speculation.discard(), "nothing to discard");
    speculation.start(CANDIDATE, answer);
    assertTrue(speculation.isFor(CANDIDATE));
    assertTrue(speculation.discard());
    assertFalse(speculation.isFor(CANDIDATE), "its answer, when it comes, is ignored");
    assertTrue(speculation.claim(CANDIDATE).isEmpty());
  }
}
