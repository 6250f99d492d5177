package ai.voice.stt.session;

import java.time.Duration;

/**
 * A session's deadlines on the wall clock, as a pure policy: no timer or thread of its own, the
 * caller passes the time. Four rules: a session open longer than its maximum duration ends; a
 * session that hears nothing for the idle timeout ends; an open utterance whose audio stopped
 * coming is ended at the end-point, counting the missing audio as silence (a client that stops
 * sending without {@code end} gets its final as soon as it would have with silence); and, as the
 * last resort, an utterance whose audio stopped coming for the chunk timeout is cut there (the
 * client went quiet without {@code end}). After every check it says how long until the nearest
 * deadline, so one timer per session suffices.
 */
final class SessionDeadlines {
  // Audio counts as stopped only after a gap longer than any client's chunk interval and its
  // jitter (clients send every 20-100 ms); a shorter gap never ends an utterance early.
  static final long STALL_NANOS = 250_000_000L;

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
  private final long endpointSilence;
  private final long idleTimeout;
  private final long maxDuration;
  private final long openedNanos;
  private long lastMessageNanos;
  private long lastAudioNanos;
  // When the audio received so far would have finished playing had it come at real-time pace:
  // audio that arrives in a burst (faster than real time, or catching up after a delay on the
  // way) is not yet "missing" until then.
  private long audioDueNanos;

  /** What the client hears when the session reaches its maximum duration. */
  String durationLimitReached() {
    return String.format(
        java.util.Locale.ROOT,
        "the session reached its limit of %.0f s open; what it sent is transcribed and the session"
            + " ends",
        maxDuration / 1e9);
  }

  /**
   * @param openedNanos when the session opened, on the caller's clock (earlier than now for a
   *     session carried on from another replica)
   */
  SessionDeadlines(
      Duration chunkTimeout,
      Duration endpointSilence,
      Duration idleTimeout,
      Duration maxDuration,
      long openedNanos) {
    this.chunkTimeout = chunkTimeout.toNanos();
    this.endpointSilence = endpointSilence.toNanos();
    this.idleTimeout = idleTimeout.toNanos();
    this.maxDuration = maxDuration.toNanos();
    this.openedNanos = openedNanos;
    this.lastMessageNanos = openedNanos;
    this.lastAudioNanos = openedNanos;
    this.audioDueNanos = openedNanos;
  }

  /** Any message arrived: the idle timeout starts again. */
  void messageAt(long nowNanos) {
    lastMessageNanos = nowNanos;
  }

  /**
   * Audio arrived: the chunk timeout starts again, and the end-point on the wall clock counts
   * missing audio only from when this audio would have finished at real-time pace.
   *
   * @param audioNanos how much audio the chunk holds
   */
  void audioAt(long nowNanos, long audioNanos) {
    lastAudioNanos = nowNanos;
    audioDueNanos = Math.max(audioDueNanos, nowNanos) + audioNanos;
  }

  /** How long until the first check after the session's first message. */
  long firstCheckInNanos(long nowNanos) {
    return Math.min(Math.min(endpointSilence, idleTimeout), lifeLeft(nowNanos));
  }

  /**
   * @param inUtterance whether the segmenter has an utterance open (only then can audio that
   *     stopped coming leave words waiting)
   * @param trailingSilenceNanos silence the segmenter has already heard at the end of the open
   *     utterance
   */
  Check check(long nowNanos, boolean inUtterance, long trailingSilenceNanos) {
    return check(nowNanos, inUtterance, trailingSilenceNanos, endpointSilence);
  }

  /**
   * As {@link #check(long, boolean, long)}, for a pause whose end-point is not the configured one
   * (end-of-turn detection held it open, or shortened it: decisions/0026): missing audio ends the
   * utterance where that much silence would have.
   *
   * @param endpointNanos the current pause's end-point
   */
  Check check(long nowNanos, boolean inUtterance, long trailingSilenceNanos, long endpointNanos) {
    long lifeLeft = lifeLeft(nowNanos);
    if (lifeLeft <= 0) {
      return new Check(Due.DURATION_LIMIT, 0);
    }
    long idleLeft = idleTimeout - (nowNanos - lastMessageNanos);
    if (idleLeft <= 0) {
      return new Check(Due.IDLE_TIMEOUT, 0);
    }
    Due due = Due.NOTHING;
    // While no utterance is open, look again one end-point later: one may open meanwhile.
    long audioLeft = endpointSilence;
    if (inUtterance) {
      long missing = nowNanos - audioDueNanos;
      long endpointLeft = Math.max(endpointNanos - trailingSilenceNanos, STALL_NANOS) - missing;
      audioLeft = Math.min(endpointLeft, chunkTimeout - (nowNanos - lastAudioNanos));
      if (audioLeft <= 0) {
        due = Due.FLUSH_UTTERANCE;
        audioLeft = endpointSilence;
      }
    }
    return new Check(due, Math.min(Math.min(idleLeft, audioLeft), lifeLeft));
  }

  private long lifeLeft(long nowNanos) {
    return maxDuration - (nowNanos - openedNanos);
  }
}
