package ai.voice.stt.recognizer.whisper;

import java.util.Objects;
import java.util.Optional;

/**
 * The settings of one {@code whisper_full_with_state} call that differ from whisper.cpp's greedy
 * defaults.
 *
 * @param language ISO code, or "auto"
 * @param prompt {@code initial_prompt}, or empty
 * @param audioCtx encoder frames, 0 for the full 30 s window
 * @param threads {@code n_threads}; 0 or less keeps whisper.cpp's default
 * @param noTimestamps whisper.cpp's {@code no_timestamps}
 * @param abort a flag that stops the call when set, or empty
 * @param beamSize 1 for greedy decoding (the service); more for beam search of that width (the
 *     evaluation tool's comparison)
 */
public record DecodeRequest(
    String language,
    Optional<String> prompt,
    int audioCtx,
    int threads,
    boolean noTimestamps,
    Optional<AbortFlag> abort,
    int beamSize) {
  public DecodeRequest {
    Objects.requireNonNull(language);
    Objects.requireNonNull(prompt);
    Objects.requireNonNull(abort);
    if (beamSize < 1) {
      throw new IllegalArgumentException("beam size must be at least 1, not " + beamSize);
    }
  }

  /** A greedy call that {@code abort} may stop. */
  public DecodeRequest(
      String language,
      Optional<String> prompt,
      int audioCtx,
      int threads,
      boolean noTimestamps,
      Optional<AbortFlag> abort) {
    this(language, prompt, audioCtx, threads, noTimestamps, abort, 1);
  }

  /** A call that runs to its end. */
  public DecodeRequest(
      String language, Optional<String> prompt, int audioCtx, int threads, boolean noTimestamps) {
    this(language, prompt, audioCtx, threads, noTimestamps, Optional.empty(), 1);
  }
}
