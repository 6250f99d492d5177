package ai.voice.stt.vad;

/** Makes one {@link SpeechDetector} per session. */
@FunctionalInterface
public interface SpeechDetectorFactory {
  SpeechDetector create();

  /** With VAD disabled every frame counts as speech; buffer and timeout rules alone cut. */
  static SpeechDetectorFactory everythingIsSpeech() {
    return () ->
        new SpeechDetector() {
          @Override
          public boolean isSpeech(short[] frame) {
            return true;
          }

          @Override
          public void close() {}
        };
  }
}
