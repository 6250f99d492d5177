package ai.voice.stt.recognizer;

import java.util.Optional;

/**
 * Speech to text for one stretch of audio. Implementations are safe to call from as many threads as
 * {@link #maxConcurrency()} says; the inference scheduler never calls more at once.
 */
public interface Recognizer extends AutoCloseable {

  /**
   * @param samples 16 kHz mono audio in [-1, 1)
   * @param language ISO code, or empty for the model's default
   */
  Transcript transcribe(float[] samples, Optional<String> language) throws RecognitionException;

  /**
   * As {@link #transcribe(float[], Optional)}, with the session's {@link Hints}: its language and
   * its prompt (vocabulary hint). A recognizer that takes no prompt ignores it; the local and the
   * HTTP recognizer both take one.
   */
  default Transcript transcribe(float[] samples, Hints hints) throws RecognitionException {
    return transcribe(samples, hints.language());
  }

  /** As {@link #transcribeInBackground(float[], Optional)}, with the session's {@link Hints}. */
  default Transcript transcribeInBackground(float[] samples, Hints hints)
      throws RecognitionException {
    return hints.prompt().isEmpty()
        ? transcribeInBackground(samples, hints.language())
        : transcribe(samples, hints);
  }

  /**
   * Work that may be thrown away (an interim hypothesis): the same answer as {@link #transcribe},
   * but it takes no resources that real work could use, such as cores lent by idle workers.
   */
  default Transcript transcribeInBackground(float[] samples, Optional<String> language)
      throws RecognitionException {
    return transcribe(samples, language);
  }

  /**
   * The call the {@link InferenceScheduler} makes: {@link #transcribe(float[], Hints)}, or {@link
   * #transcribeInBackground(float[], Hints)} when {@code background}, stoppable through {@code
   * call} ({@link RecognizerCall#abort()}: the call then ends soon with {@link
   * RecognitionException.Kind#ABORTED}) and reporting the CPU it spent there. A recognizer that
   * cannot stop a call runs it to its end; its answer is dropped all the same.
   */
  default Transcript transcribe(
      float[] samples, Hints hints, boolean background, RecognizerCall call)
      throws RecognitionException {
    return background ? transcribeInBackground(samples, hints) : transcribe(samples, hints);
  }

  /**
   * Whether a call abandoned at its deadline (it hangs) leaves the others all they need, so that a
   * worker started in its place restores the capacity. False where each call holds a share of a
   * fixed pool that the stuck call keeps (a decoder state).
   */
  default boolean independentCalls() {
    return true;
  }

  /** How many calls may run at the same time. */
  int maxConcurrency();

  /** A short description for logs and the start-up banner. */
  String describe();

  @Override
  void close();
}
