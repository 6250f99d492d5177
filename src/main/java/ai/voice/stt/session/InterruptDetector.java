package ai.voice.stt.session;

/**
 * Barge-in rule: while the assistant responds, {@code minVoicedFrames} voiced frames without a
 * longer gap than {@code resetAfterSilentFrames} mean the user is talking. Short bursts (a cough, a
 * click, echo of the assistant) stay below the threshold and are forgotten after the gap.
 */
final class InterruptDetector {
  private final int minVoicedFrames;
  private final int resetAfterSilentFrames;
  private int voiced;
  private int silent;

  InterruptDetector(int minVoicedFrames, int resetAfterSilentFrames) {
    this.minVoicedFrames = Math.max(1, minVoicedFrames);
    this.resetAfterSilentFrames = Math.max(1, resetAfterSilentFrames);
  }

  /** Returns true on the frame that makes the voiced run long enough to count as barge-in. */
  boolean onFrame(boolean speech) {
    if (speech) {
      silent = 0;
      voiced++;
    } else if (++silent >= resetAfterSilentFrames) {
      voiced = 0;
    }
    if (voiced >= minVoicedFrames) {
      reset();
      return true;
    }
    return false;
  }

  void reset() {
    voiced = 0;
    silent = 0;
  }
}
