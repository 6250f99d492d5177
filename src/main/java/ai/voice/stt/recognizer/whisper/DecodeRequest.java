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
 */
public record DecodeRequest(
    String language,
    Optional<String> prompt,
    int audioCtx,
    int threads,
    boolean noTimestamps,
    Optional<AbortFlag> abort) {
  public DecodeRequest {
    Objects.requireNonNull(language);
    Objects.requireNonNull(prompt);
    Objects.requireNonNull(abort);
  }

  /** A call that runs to its end. */
  public DecodeRequest(
      String language, Optional<String> prompt, int audioCtx, int threads, boolean noTimestamps) {
    this(language, prompt, audioCtx, threads, noTimestamps, Optional.empty());
  }
}
