package ai.voice.stt.recognizer.whisper;

/** The call was stopped through its {@link AbortFlag}; its result, if any, is not read. */
public final class WhisperAbortedException extends WhisperException {
  private static final long serialVersionUID = 1L;

  WhisperAbortedException(int returnCode) {
    super("aborted (whisper.cpp returned " + returnCode + ")");
  }
}
