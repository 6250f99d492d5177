package ai.voice.stt.recognizer;

import java.time.Duration;
import java.util.Locale;

/**
 * How long one recognition may run before the scheduler gives up on it: {@code base} plus {@code
 * factor} times the length of its audio. The defaults (30 s + 10 x) leave every healthy model on a
 * CPU far inside it (large-v3 on one core runs at about 2-3 x real time); only a call that hangs
 * reaches it. Pure: the scheduler asks it for each job.
 *
 * @param base what any recognition may take, however short its audio ({@code
 *     STT_RECOGNITION_TIMEOUT_BASE})
 * @param factor seconds allowed per second of audio on top of {@code base} ({@code
 *     STT_RECOGNITION_TIMEOUT_FACTOR})
 */
public record RecognitionDeadline(Duration base, double factor) {
  private static final int SAMPLE_RATE = 16_000;

  /** 30 s plus 10 times the audio's length. */
  public static final RecognitionDeadline DEFAULT =
      new RecognitionDeadline(Duration.ofSeconds(30), 10);

  public RecognitionDeadline {
    if (base.isNegative() || base.isZero() || !(factor >= 0) || Double.isInfinite(factor)) {
      throw new IllegalArgumentException("a recognition deadline needs base > 0 and factor >= 0");
    }
  }

  /** The time allowed for {@code samples} of 16 kHz audio. */
  public Duration forSamples(int samples) {
    return base.plusNanos(Math.round(factor * samples * 1e9 / SAMPLE_RATE));
  }

  /** How the deadline for {@code samples} came about, for an error message. */
  public String explain(int samples) {
    return String.format(
        Locale.ROOT,
        "%.1f s (%.1f s + %.1f x %.2f s of audio)",
        forSamples(samples).toNanos() / 1e9,
        base.toNanos() / 1e9,
        factor,
        samples / (double) SAMPLE_RATE);
  }
}
