package ai.voice.stt.recognizer;

/** A recognizer could not transcribe a stretch of audio. */
public final class RecognitionException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why: the caller (a session, the whisper-server) turns it into its own kind of error. */
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
    TIMED_OUT
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
