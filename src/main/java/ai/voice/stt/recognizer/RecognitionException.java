package ai.voice.stt.recognizer;

/** A recognizer could not transcribe a stretch of audio. */
public final class RecognitionException extends Exception {
  private static final long serialVersionUID = 1L;

  /**
   * Why: the caller (a session, the whisper-server) turns it into its own kind of error.
   *
   * <p>Messages are for the service's logs. Only those of {@link #BUSY} and {@link #TIMED_OUT},
   * which the inference scheduler writes from the service's own settings, may be shown to a client;
   * the others can carry a remote server's address and answer or a library's detail.
   */
  public enum Kind {
    /** The queue of waiting recognitions is full. */
    BUSY,
    /** The recognizer failed on this audio. */
    FAILED,
    /** A remote recognizer stayed unreachable. */
    UNAVAILABLE,
    /** The wait for a result was interrupted (shutting down). */
    INTERRUPTED,
    /** The recognition ran past its deadline ({@link RecognitionDeadline}) and was abandoned. */
    TIMED_OUT,
    /**
     * The call was stopped because its answer became useless ({@link RecognizerCall#abort()}); the
     * scheduler never delivers it.
     */
    ABORTED
  }

  private final Kind kind;

  public RecognitionException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public RecognitionException(Kind kind, String message) {
    this(kind, message, null);
  }

  public Kind kind() {
    return kind;
  }
}
