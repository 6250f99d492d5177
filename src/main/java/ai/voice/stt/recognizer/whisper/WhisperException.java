package ai.voice.stt.recognizer.whisper;

/** A whisper.cpp call failed. */
public class WhisperException extends Exception {
  private static final long serialVersionUID = 1L;

  public WhisperException(String message) {
    super(message);
  }

  public WhisperException(String message, Throwable cause) {
    super(message, cause);
  }
}
