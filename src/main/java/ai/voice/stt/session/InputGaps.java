package ai.voice.stt.session;

import java.util.OptionalDouble;

/**
 * Audio that a NATS outage kept from arriving: a chunk whose capture {@code timestamp} is well past
 * where the previous chunk's audio ended, with an outage of this replica's connection in between. A
 * client that pauses on purpose sends the same jump, so a jump alone is not taken as loss; one
 * across an outage is, and the session names it and leaves room for it in the timeline, so later
 * results keep their place. Chunks without a timestamp cannot tell. A pure policy: the caller
 * passes the outage count.
 */
final class InputGaps {
  /** Shorter jumps are jitter of the client's clock or pacing, not lost audio. */
  static final double TOLERANCE_SECONDS = 0.5;

  private double expectedNext = Double.NaN;
  private long outagesAtLast;

  /**
   * The next chunk arrived.
   *
   * @param timestamp its capture time (epoch seconds), when the client sent one
   * @param seconds the length of its audio
   * @param outages how many NATS outages this replica has seen so far
   * @return the seconds of audio missing before it, or 0
   */
  double missingBefore(OptionalDouble timestamp, double seconds, long outages) {
    double missing = 0;
    if (timestamp.isPresent()) {
      double at = timestamp.getAsDouble();
      if (!Double.isNaN(expectedNext)
          && outages != outagesAtLast
          && at - expectedNext > TOLERANCE_SECONDS) {
        missing = at - expectedNext;
      }
      expectedNext = at + seconds;
    } else {
      expectedNext = Double.NaN;
    }
    outagesAtLast = outages;
    return missing;
  }
}
