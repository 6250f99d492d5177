package ai.voice.stt.session;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A session's speculative recognition: the final segment of the open utterance, sent to the
 * recognizer as soon as its audio is fixed ({@link Segmenter#settled()}), before the end-point
 * confirms that the utterance ended. When it does, the segment it ends with is the same audio and
 * takes this answer instead of waiting for a new recognition; when speech resumes first, the answer
 * is wasted. At most one per session. No clock, no threads: the caller sends and counts.
 */
final class Speculation {
  private Segment candidate;
  private CompletableFuture<Recognition.Returned> answer;
  // Where the onset VAD first heard speech after the candidate's audio (-1: not yet). The
  // end-pointing VAD may call it a pause; if the final segment reaches it, the answer missed it.
  private long heardAfter = -1;

  /** {@code answer} is the recognition of {@code segment}, started now. */
  void start(Segment segment, CompletableFuture<Recognition.Returned> running) {
    candidate = segment;
    answer = running;
    heardAfter = -1;
  }

  /**
   * The onset VAD heard speech in a frame starting at {@code frameStart} on the timeline, which the
   * end-pointing VAD counted as pause (a soft word ending, a breath): the answer is still good for
   * a final that ends before it.
   */
  void heard(long frameStart) {
    if (candidate != null && heardAfter < 0 && frameStart >= candidate.endSample()) {
      heardAfter = frameStart;
    }
  }

  /**
   * The onset VAD heard speech after the live candidate's audio: a final that ends where the
   * trailing silence ends reaches it, and will not take this answer.
   */
  boolean heardAfterIt() {
    return candidate != null && heardAfter >= 0;
  }

  /** The live candidate's answer (running, or back and waiting to be claimed), if any. */
  Optional<CompletableFuture<Recognition.Returned>> answer() {
    return Optional.ofNullable(answer);
  }

  /** A speculative recognition is running or waiting to be claimed. */
  boolean live() {
    return candidate != null;
  }

  /** True while {@code segment} is the live candidate (it was neither claimed nor discarded). */
  boolean isFor(Segment segment) {
    return candidate == segment;
  }

  /**
   * The utterance ended with {@code segment}: the speculative answer when it recognised the same
   * audio (the same start, and nothing voiced after it: a segment cut later by a timeout carries
   * only more silence). The speculation is over either way.
   *
   * @return empty when there was none or it does not cover {@code segment} (then it is wasted)
   */
  Optional<CompletableFuture<Recognition.Returned>> claim(Segment segment) {
    if (candidate == null) {
      return Optional.empty();
    }
    boolean same =
        segment.isFinal()
            && segment.startSample() == candidate.startSample()
            && segment.samples().length >= candidate.samples().length
            && (heardAfter < 0 || segment.endSample() <= heardAfter);
    CompletableFuture<Recognition.Returned> claimed = answer;
    candidate = null;
    answer = null;
    return same ? Optional.of(claimed) : Optional.empty();
  }

  /**
   * Speech resumed (or the session stops): the running answer will not be used.
   *
   * @return true when there was one to discard
   */
  boolean discard() {
    boolean had = candidate != null;
    candidate = null;
    answer = null;
    return had;
  }
}
