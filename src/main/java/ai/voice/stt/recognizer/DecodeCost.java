package ai.voice.stt.recognizer;

/**
 * The CPU a full decode of some audio is expected to cost, learned from the completed decodes of
 * this process: a least-squares line, CPU seconds = a + b × audio seconds. Whisper's cost has a
 * fixed part (the encoder's shortest window, 512 frames, covers up to ~7.7 s of audio) and a part
 * that grows with the words decoded, so a line fits short interims and long finals better than one
 * ratio. With fewer than two distinct lengths seen it falls back to their mean ratio, and with none
 * it expects nothing (a decode aborted before any completed saved nothing that can be shown).
 * Thread-safe; a pure policy otherwise (no clock).
 */
public final class DecodeCost {
  private long n;
  private double sumX;
  private double sumY;
  private double sumXy;
  private double sumXx;

  /** A decode of {@code audioSeconds} ran to its end and spent {@code cpuSeconds}. */
  public synchronized void completed(double audioSeconds, double cpuSeconds) {
    n++;
    sumX += audioSeconds;
    sumY += cpuSeconds;
    sumXy += audioSeconds * cpuSeconds;
    sumXx += audioSeconds * audioSeconds;
  }

  /** CPU seconds a full decode of {@code audioSeconds} is expected to spend; never negative. */
  public synchronized double expected(double audioSeconds) {
    if (n == 0) {
      return 0;
    }
    double spread = n * sumXx - sumX * sumX;
    double estimate;
    if (n < 2 || spread <= 1e-9 * Math.max(1, sumXx * n)) {
      estimate = sumX > 0 ? sumY / sumX * audioSeconds : sumY / n;
    } else {
      double slope = (n * sumXy - sumX * sumY) / spread;
      double intercept = (sumY - slope * sumX) / n;
      estimate = intercept + slope * audioSeconds;
    }
    return Math.max(0, estimate);
  }

  /**
   * CPU a decode of {@code audioSeconds} did not spend because it was stopped after spending {@code
   * spentSeconds}: the expected full cost less what it spent, never negative.
   */
  public double saved(double audioSeconds, double spentSeconds) {
    return Math.max(0, expected(audioSeconds) - spentSeconds);
  }
}
