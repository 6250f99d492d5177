package ai.voice.stt.session;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * A session's end-of-turn events (decisions/0026): which finals ended a turn, with what the turn
 * model said, and whether the user spoke again soon after a turn ended early. Pure bookkeeping on
 * the session's timeline: no clock, no threads, no output; the actor publishes what it answers to
 * sessions that asked.
 */
final class TurnEvents {
  /** How a turn ended: the model's probability when it ran, and whether it ended early. */
  record Ended(OptionalDouble completeness, boolean early) {}

  private final long resumeWindowSamples;
  private final Map<Segment, Ended> closing = new IdentityHashMap<>();
  private OptionalDouble pauseCompleteness = OptionalDouble.empty();
  private boolean pauseEarly;
  // The last early end of turn published: where its audio ends, and its final's sequence.
  private long earlyEnd = -1;
  private long earlySequence;
  // Where speech started again after the last pause-ended utterance (-1: not yet).
  private long onset = -1;

  /**
   * @param resumeWindowSamples speech this soon after an early end of turn resumes the turn
   */
  TurnEvents(long resumeWindowSamples) {
    this.resumeWindowSamples = resumeWindowSamples;
  }

  /** End-of-turn detection judged the current pause. */
  void pauseJudged(OptionalDouble completeness, boolean early) {
    pauseCompleteness = completeness;
    pauseEarly = early;
  }

  /** Speech went on inside the utterance: the pause's judgement no longer holds. */
  void speechGoesOn() {
    pauseCompleteness = OptionalDouble.empty();
    pauseEarly = false;
  }

  /** A pause ended the utterance with {@code segment}: it ends the user's turn. */
  void pauseEnded(Segment segment) {
    closing.put(segment, new Ended(pauseCompleteness, pauseEarly));
    speechGoesOn();
    onset = -1;
  }

  /**
   * The final of {@code segment} was published as {@code sequence}.
   *
   * @return how its turn ended, when a pause ended it
   */
  Optional<Ended> published(Segment segment, long sequence) {
    Ended ended = closing.remove(segment);
    if (ended == null) {
      return Optional.empty();
    }
    earlyEnd = ended.early() ? segment.endSample() : -1;
    earlySequence = sequence;
    return Optional.of(ended);
  }

  /**
   * A new utterance opened at {@code position}.
   *
   * @return the sequence of the final whose early end of turn this speech resumes
   */
  OptionalLong onset(long position) {
    onset = position;
    return resumed();
  }

  /** After {@link #published}: speech already heard after an early end resumes it. */
  OptionalLong resumed() {
    if (earlyEnd < 0 || onset < earlyEnd || onset - earlyEnd > resumeWindowSamples) {
      return OptionalLong.empty();
    }
    earlyEnd = -1;
    return OptionalLong.of(earlySequence);
  }

  /** The session ends: nothing is waiting. */
  void clear() {
    closing.clear();
    earlyEnd = -1;
  }
}
