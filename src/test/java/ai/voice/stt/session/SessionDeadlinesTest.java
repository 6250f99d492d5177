package ai.voice.stt.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.voice.stt.session.SessionDeadlines.Check;
import ai.voice.stt.session.SessionDeadlines.Due;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The session's deadlines, checked on a clock the test moves: no timers, no threads. */
class SessionDeadlinesTest {
  private static final long S = 1_000_000_000L;
  // chunk timeout 2 s, idle timeout 30 s, at most 600 s open; opened at t = 100 s
  private static final long OPENED = 100 * S;

  private static SessionDeadlines deadlines() {
    return new SessionDeadlines(
        Duration.ofSeconds(2), Duration.ofSeconds(30), Duration.ofSeconds(600), OPENED);
  }

  @Test
  void theFirstCheckComesAtTheNearestDeadline() {
    assertEquals(2 * S, deadlines().firstCheckInNanos(OPENED));
    assertEquals(S, deadlines().firstCheckInNanos(OPENED + 599 * S), "one second of life left");
  }

  @Test
  void anUtteranceWhoseAudioStoppedIsCutAfterTheChunkTimeout() {
    SessionDeadlines d = deadlines();
    d.messageAt(OPENED + S);
    d.audioAt(OPENED + S);
    assertEquals(new Check(Due.NOTHING, S), d.check(OPENED + 2 * S, true));
    assertEquals(new Check(Due.FLUSH_UTTERANCE, 2 * S), d.check(OPENED + 3 * S, true));
  }

  @Test
  void withoutAnOpenUtteranceSilenceFromTheClientCutsNothing() {
    SessionDeadlines d = deadlines();
    d.messageAt(OPENED + S);
    d.audioAt(OPENED + S);
    assertEquals(new Check(Due.NOTHING, 2 * S), d.check(OPENED + 10 * S, false));
  }

  @Test
  void aSessionThatHearsNothingForTheIdleTimeoutEnds() {
    SessionDeadlines d = deadlines();
    d.messageAt(OPENED + S);
    assertEquals(Due.NOTHING, d.check(OPENED + 30 * S, false).due());
    assertEquals(Due.IDLE_TIMEOUT, d.check(OPENED + 31 * S, false).due());
    d.messageAt(OPENED + 31 * S);
    assertEquals(Due.NOTHING, d.check(OPENED + 32 * S, false).due(), "any message resets it");
  }

  @Test
  void aSessionOpenLongerThanItsLimitEndsEvenWhileTalking() {
    SessionDeadlines d = deadlines();
    d.messageAt(OPENED + 600 * S);
    d.audioAt(OPENED + 600 * S);
    assertEquals(Due.DURATION_LIMIT, d.check(OPENED + 600 * S, true).due());
  }

  @Test
  void aSessionCarriedOnFromAnotherReplicaKeepsItsAge() {
    // Opened 590 s before this replica took it: 10 s of life left, not 600.
    SessionDeadlines d =
        new SessionDeadlines(
            Duration.ofSeconds(2), Duration.ofSeconds(30), Duration.ofSeconds(600), -590 * S);
    d.messageAt(0);
    assertEquals(Due.DURATION_LIMIT, d.check(10 * S, false).due());
  }
}
