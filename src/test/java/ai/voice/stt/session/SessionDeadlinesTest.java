package ai.voice.stt.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.voice.stt.session.SessionDeadlines.Check;
import ai.voice.stt.session.SessionDeadlines.Due;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The session's deadlines, checked on a clock the test moves: no timers, no threads. */
class SessionDeadlinesTest {
  private static final long S = 1_000_000_000L;
  private static final long MS = 1_000_000L;
  // chunk timeout 2 s, end-point 600 ms, idle timeout 30 s, at most 600 s open; opened at 100 s
  private static final long OPENED = 100 * S;

  private static SessionDeadlines deadlines() {
    return new SessionDeadlines(
        Duration.ofSeconds(2),
        Duration.ofMillis(600),
        Duration.ofSeconds(30),
        Duration.ofSeconds(600),
        OPENED);
  }

  @Test
  void theFirstCheckComesAtTheNearestDeadline() {
    assertEquals(600 * MS, deadlines().firstCheckInNanos(OPENED));
    assertEquals(
        100 * MS, deadlines().firstCheckInNanos(OPENED + 599_900 * MS), "100 ms of life left");
  }

  @Test
  void anUtteranceWhoseAudioStoppedEndsAtTheEndPointAsIfTheMissingAudioWereSilence() {
    SessionDeadlines d = deadlines();
    d.messageAt(OPENED + S);
    d.audioAt(OPENED + S, 0); // the client stops sending right after a word
    assertEquals(new Check(Due.NOTHING, 100 * MS), d.check(OPENED + S + 500 * MS, true, 0));
    assertEquals(new Check(Due.FLUSH_UTTERANCE, 600 * MS), d.check(OPENED + S + 600 * MS, true, 0));
  }

  @Test
  void silenceAlreadyHeardCountsTowardsTheEndPoint() {
    SessionDeadlines d = deadlines();
    d.audioAt(OPENED + S, 0);
    d.messageAt(OPENED + S);
    // 450 ms of silence heard, then the audio stopped: 150 ms more would do, but a gap counts
    // as stopped audio only after 250 ms.
    assertEquals(Due.NOTHING, d.check(OPENED + S + 200 * MS, true, 450 * MS).due());
    assertEquals(Due.FLUSH_UTTERANCE, d.check(OPENED + S + 250 * MS, true, 450 * MS).due());
  }

  @Test
  void aPauseHeldOpenKeepsItsEndPointWhenTheAudioStops() {
    SessionDeadlines d = deadlines();
    d.messageAt(OPENED + S);
    d.audioAt(OPENED + S, 0); // stops 300 ms into a pause end-of-turn detection holds for 1.5 s
    assertEquals(Due.NOTHING, d.check(OPENED + S + 600 * MS, true, 300 * MS, 1_500 * MS).due());
    assertEquals(
        Due.FLUSH_UTTERANCE, d.check(OPENED + S + 1_200 * MS, true, 300 * MS, 1_500 * MS).due());
  }

  @Test
  void aShortGapBetweenChunksNeverEndsAnUtterance() {
    SessionDeadlines d = deadlines();
    d.audioAt(OPENED + S, 0);
    d.messageAt(OPENED + S);
    // 590 ms of silence heard, next chunk 120 ms late: jitter, not a stop.
    assertEquals(Due.NOTHING, d.check(OPENED + S + 120 * MS, true, 590 * MS).due());
  }

  @Test
  void audioThatCameInABurstIsNotMissingUntilItWouldHaveFinishedPlaying() {
    SessionDeadlines d = deadlines();
    d.messageAt(OPENED + S);
    // 3 s of audio arrive at once (a client sending faster than real time, or a delay on the
    // way that then delivers everything): the audio is "due" until 3 s from now.
    d.audioAt(OPENED + S, 3 * S);
    assertEquals(Due.NOTHING, d.check(OPENED + S + 1_500 * MS, true, 0).due());
    assertEquals(Due.FLUSH_UTTERANCE, d.check(OPENED + S + 3 * S + 600 * MS, true, 0).due());
  }

  @Test
  void withoutAnOpenUtteranceSilenceFromTheClientCutsNothing() {
    SessionDeadlines d = deadlines();
    d.messageAt(OPENED + S);
    d.audioAt(OPENED + S, 0);
    assertEquals(new Check(Due.NOTHING, 600 * MS), d.check(OPENED + 10 * S, false, 0));
  }

  @Test
  void aSessionThatHearsNothingForTheIdleTimeoutEnds() {
    SessionDeadlines d = deadlines();
    d.messageAt(OPENED + S);
    assertEquals(Due.NOTHING, d.check(OPENED + 30 * S, false, 0).due());
    assertEquals(Due.IDLE_TIMEOUT, d.check(OPENED + 31 * S, false, 0).due());
    d.messageAt(OPENED + 31 * S);
    assertEquals(Due.NOTHING, d.check(OPENED + 32 * S, false, 0).due(), "any message resets it");
  }

  @Test
  void aSessionOpenLongerThanItsLimitEndsEvenWhileTalking() {
    SessionDeadlines d = deadlines();
    d.messageAt(OPENED + 600 * S);
    d.audioAt(OPENED + 600 * S, 0);
    assertEquals(Due.DURATION_LIMIT, d.check(OPENED + 600 * S, true, 0).due());
  }

  @Test
  void aSessionCarriedOnFromAnotherReplicaKeepsItsAge() {
    // Opened 590 s before this replica took it: 10 s of life left, not 600.
    SessionDeadlines d =
        new SessionDeadlines(
            Duration.ofSeconds(2),
            Duration.ofMillis(600),
            Duration.ofSeconds(30),
            Duration.ofSeconds(600),
            -590 * S);
    d.messageAt(0);
    assertEquals(Due.DURATION_LIMIT, d.check(10 * S, false, 0).due());
  }
}
