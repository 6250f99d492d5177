package ai.voice.stt.turn;

import java.util.OptionalDouble;

/**
 * When a pause ends the user's turn, from what is known a short way into it: the speculative
 * transcript's {@link TranscriptCompleteness verdict} and, when it ran, the turn model's
 * probability that the turn is complete. A pure policy: no clock, no threads; the answer is the
 * end-point of this one pause in 30 ms frames.
 *
 * <ul>
 *   <li>words that need more ("… a taxi for") hold the pause open up to {@code holdFrames}: a
 *       mid-thought pause does not split the sentence;
 *   <li>a {@link TranscriptCompleteness.Verdict#DOUBTFUL doubtful} sentence end (its last word
 *       placed where the voice had stopped) waits {@code doubtFrames}, long enough to cover a
 *       mid-sentence pause, or up to {@code holdFrames} when the model says the turn goes on; the
 *       model's "complete" does not shorten it (it scored such a cut request 0.98);
 *   <li>with the model: a complete turn ({@code p ≥ threshold}) ends now ({@code earlyFrames})
 *       unless the words need more; an incomplete one holds, unless the words end a sentence (then
 *       the sentence-end rule applies: the model alone does not keep a finished sentence waiting);
 *   <li>without the model (off, or the CPU was busy): a finished sentence ends now, anything else
 *       keeps the configured end-point.
 * </ul>
 *
 * {@link Signals#MODEL} ignores the words and {@link Signals#TRANSCRIPT} the model, to measure each
 * alone.
 *
 * @param signals what the decision uses
 * @param threshold the model's probability at and above which a turn is complete
 * @param earlyFrames the end-point of a pause judged the end of the turn (the silence a final
 *     keeps)
 * @param sentenceEndFrames the end-point after a finished sentence that the model doubts
 * @param endpointFrames the configured end-point (what a pause gets when nothing is known)
 * @param doubtFrames the end-point after a doubtful sentence end; between {@code endpointFrames}
 *     and {@code holdFrames}
 * @param holdFrames the longest a pause judged mid-turn is held open
 */
public record TurnPolicy(
    Signals signals,
    double threshold,
    int earlyFrames,
    int sentenceEndFrames,
    int endpointFrames,
    int doubtFrames,
    int holdFrames) {

  /** Which signals decide the end of a turn. */
  public enum Signals {
    /** The speculative transcript's words. */
    TRANSCRIPT,
    /** The turn model's probability. */
    MODEL,
    /** Both. */
    BOTH;

    public boolean model() {
      return this != TRANSCRIPT;
    }
  }

  public TurnPolicy {
    if (!(threshold > 0 && threshold < 1)) {
      throw new IllegalArgumentException("threshold must be in (0, 1): " + threshold);
    }
    if (earlyFrames < 1 || earlyFrames > sentenceEndFrames || sentenceEndFrames > endpointFrames) {
      throw new IllegalArgumentException(
          "need 1 ≤ earlyFrames ≤ sentenceEndFrames ≤ endpointFrames");
    }
    holdFrames = Math.max(holdFrames, endpointFrames);
    doubtFrames = Math.clamp(doubtFrames, endpointFrames, holdFrames);
  }

  /**
   * The end-point of the current pause, from the text alone.
   *
   * @param transcript the speculative transcript of the utterance up to the pause
   * @param completeness the model's probability that the turn is complete; empty when it did not
   *     run
   */
  public int endpointFrames(String transcript, OptionalDouble completeness) {
    return endpointFrames(TranscriptCompleteness.of(transcript), completeness);
  }

  /**
   * The end-point of the current pause.
   *
   * @param verdict what the speculative transcript of the utterance up to the pause says
   * @param completeness the model's probability that the turn is complete; empty when it did not
   *     run
   */
  public int endpointFrames(TranscriptCompleteness.Verdict verdict, OptionalDouble completeness) {
    TranscriptCompleteness.Verdict words =
        signals == Signals.MODEL ? TranscriptCompleteness.Verdict.UNKNOWN : verdict;
    OptionalDouble p = signals == Signals.TRANSCRIPT ? OptionalDouble.empty() : completeness;
    if (words == TranscriptCompleteness.Verdict.INCOMPLETE) {
      return holdFrames;
    }
    if (words == TranscriptCompleteness.Verdict.DOUBTFUL) {
      return p.isPresent() && p.getAsDouble() < threshold ? holdFrames : doubtFrames;
    }
    if (p.isPresent()) {
      if (p.getAsDouble() >= threshold) {
        return earlyFrames;
      }
      return words == TranscriptCompleteness.Verdict.COMPLETE ? sentenceEndFrames : holdFrames;
    }
    return words == TranscriptCompleteness.Verdict.COMPLETE ? earlyFrames : endpointFrames;
  }

  /** The end-point {@code frames} ends the turn before the configured silence rule would. */
  public boolean early(int frames) {
    return frames < sentenceEndFrames;
  }
}
