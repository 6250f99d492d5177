package ai.voice.stt.session;

import java.util.OptionalDouble;

/**
 * Audio that a fault kept from arriving: a chunk whose capture {@code timestamp} is well past where
 * the previous chunk's audio ended, where the missing stretch began during a known outage of the
 * input ({@link InputOutages}). A client that pauses on purpose sends the same jump, so a jump
 * alone is not taken as loss; one that begins in an outage is, and the session names it and leaves
 * room for it in the timeline, so later results keep their place. Chunks without a timestamp cannot
 * tell. A pure policy over the session's chunks; the outages are the replica's.
 */
final class InputGaps {
  /** Shorter jumps are jitter of the client's clock or pacing, not lost audio. */
  static final double TOLERANCE_SECONDS = 0.5;

  private double expectedNext = Double.NaN;

  /**
   * The next chunk arrived.
   *
   * @param timestamp its capture time (epoch seconds), when the client sent one
   * @param seconds the length of its audio
   * @param outages when the input may have stored nothing
   * @return the seconds of audio missing before it, or 0
   */
  double missingBefore(OptionalDouble timestamp, double seconds, InputOutages outages) {
    double missing = 0;
    if (timestamp.isPresent()) {
      double at = timestamp.getAsDouble();
      if (!Double.isNaN(expectedNext)
          && at - expectedNext > TOLERANCE_SECONDS
          && outages.covers(expectedNext, at)) {
        missing = at - expectedNext;
      }
      expectedNext = at + seconds;
    } else {
      expectedNext = Double.NaN;
    }
    return missing;
  }
}
