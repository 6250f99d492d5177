package ai.voice.stt.recognizer;

import ai.voice.stt.protocol.ErrorCode;

/** A recognizer could not transcribe a stretch of audio. */
public final class RecognitionException extends Exception {
  private static final long serialVersionUID = 1L;
  private final ErrorCode code;

  public RecognitionException(ErrorCode code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public RecognitionException(ErrorCode code, String message) {
    this(code, message, null);
  }

  public ErrorCode code() {
    return code;
  }
}
