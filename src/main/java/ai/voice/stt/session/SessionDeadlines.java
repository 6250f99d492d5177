package ai.voice.stt.session;

import java.time.Duration;

/**
 * A session's deadlines on the wall clock, as a pure policy: no timer or thread of its own, the
 * caller passes the time. Three rules: a session open longer than its maximum duration ends; a
 * session that hears nothing for the idle timeout ends; an utterance whose audio stopped coming for
 * the chunk timeout is cut there (the client went quiet without {@code end}). After every check it
 * says how long until the nearest deadline, so one timer per session suffices.
 */
final class SessionDeadlines {
  /** What is due at a check. */
  enum Due {
    NOTHING,
    FLUSH_UTTERANCE,
    IDLE_TIMEOUT,
    DURATION_LIMIT
  }

  /** What is due now, and when to look again (meaningless once the session ends). */
  record Check(Due due, long nextInNanos) {}

  private final long chunkTimeout;
  private final long idleTimeout;
  private final long maxDuration;
  private final long openedNanos;
  private long lastMessageNanos;
  private long lastAudioNanos;

  /**
   * @param openedNanos when the session opened, on the caller's clock (earlier than now for a
   *     session carried on from another replica)
   */
  SessionDeadlines(
      Duration chunkTimeout, Duration idleTimeout, Duration maxDuration, long openedNanos) {
    this.chunkTimeout = chunkTimeout.toNanos();
    this.idleTimeout = idleTimeout.toNanos();
    this.maxDuration = maxDuration.toNanos();
    this.openedNanos = openedNanos;
    this.lastMessageNanos = openedNanos;
    this.lastAudioNanos = openedNanos;
  }

  /** Any message arrived: the idle timeout starts again. */
  void messageAt(long nowNanos) {
    lastMessageNanos = nowNanos;
  }

  /** Audio arrived: the chunk timeout starts again. */
  void audioAt(long nowNanos) {
    lastAudioNanos = nowNanos;
  }

  /** How long until the first check after the session's first message. */
  long firstCheckInNanos(long nowNanos) {
    return Math.min(Math.min(chunkTimeout, idleTimeout), lifeLeft(nowNanos));
  }

  /**
   * @param inUtterance whether the segmenter has an utterance open (only then can audio that
   *     stopped coming leave words waiting)
   */
  Check check(long nowNanos, boolean inUtterance) {
    long lifeLeft = lifeLeft(nowNanos);
    if (lifeLeft <= 0) {
      return new Check(Due.DURATION_LIMIT, 0);
    }
    long idleLeft = idleTimeout - (nowNanos - lastMessageNanos);
    if (idleLeft <= 0) {
      return new Check(Due.IDLE_TIMEOUT, 0);
    }
    Due due = Due.NOTHING;
    long chunkLeft = chunkTimeout;
    if (inUtterance) {
      chunkLeft = chunkTimeout - (nowNanos - lastAudioNanos);
      if (chunkLeft <= 0) {
        due = Due.FLUSH_UTTERANCE;
        chunkLeft = chunkTimeout;
      }
    }
    return new Check(due, Math.min(Math.min(idleLeft, chunkLeft), lifeLeft));
  }

  private long lifeLeft(long nowNanos) {
    return maxDuration - (nowNanos - openedNanos);
  }
}
