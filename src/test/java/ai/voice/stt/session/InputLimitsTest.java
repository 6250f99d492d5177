package ai.voice.stt.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The audio a session accepts, chunk by chunk: no threads, no recognizer. */
class InputLimitsTest {
  private static final Duration TEN_SECONDS = Duration.ofSeconds(10);
  private static final Duration BACKLOG = Duration.ofSeconds(4);

  @Test
  void theChunkThatReachesTheAudioLimitIsCutThereAndEndsTheSession() {
    InputLimits limits = new InputLimits(TEN_SECONDS, BACKLOG, 0);
    assertEquals(
        new InputLimits.Admission(144_000, false, false), limits.admit(144_000, 16_000, 0, 0));
    // 9 s accepted; a 2 s chunk gets 1 s in and reaches the limit
    assertEquals(
        new InputLimits.Admission(16_000, true, false), limits.admit(32_000, 16_000, 0, 144_000));
    assertEquals(160_000, limits.acceptedFrames());
    assertTrue(limits.audioLimitReached(16_000).contains("audio after 10.00 s was not accepted"));
  }

  @Test
  void theLimitCountsTheClientsOwnFramesAtItsRate() {
    InputLimits limits = new InputLimits(TEN_SECONDS, BACKLOG, 0);
    assertEquals(
        new InputLimits.Admission(480_000, true, false), limits.admit(480_000, 48_000, 0, 0));
  }

  @Test
  void whileTheBacklogIsFullChunksAreRefusedAndTheRunIsNamedOnceWhenItEnds() {
    InputLimits limits = new InputLimits(TEN_SECONDS, BACKLOG, 0);
    long full = 64_000; // 4 s waiting at 16 kHz
    assertEquals(
        new InputLimits.Admission(0, false, true), limits.admit(320, 16_000, full, 80_000));
    assertEquals(
        new InputLimits.Admission(0, false, true), limits.admit(320, 16_000, full, 80_320));
    assertEquals(0, limits.acceptedFrames(), "refused audio is not counted as accepted");
    Optional<String> named = limits.endRefusedRun(80_640);
    assertTrue(named.orElseThrow().startsWith("audio 5.00-5.04 s (2 chunks) was not accepted"));
    assertTrue(named.get().contains("STT_SESSION_BACKLOG_SECONDS"));
    assertEquals(Optional.empty(), limits.endRefusedRun(90_000), "named once");
  }

  @Test
  void aSessionCarriedOnFromAnotherReplicaKeepsWhatItAlreadyAccepted() {
    InputLimits limits = new InputLimits(TEN_SECONDS, BACKLOG, 150_000);
    assertEquals(
        new InputLimits.Admission(10_000, true, false), limits.admit(16_000, 16_000, 0, 0));
  }

  @Test
  void mailboxRefusalsNameTheirStretch() {
    assertEquals(
        "audio 5.00-7.00 s (1 chunk) was not accepted: the session's mailbox was full; send audio"
            + " no faster than real time",
        InputLimits.mailboxRefused(80_000, 112_000, 1));
  }
}
