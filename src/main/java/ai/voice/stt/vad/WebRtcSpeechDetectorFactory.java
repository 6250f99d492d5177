package ai.voice.stt.vad;

import io.github.givimad.libfvadjni.VoiceActivityDetector;
import java.io.IOException;
import java.io.UncheckedIOException;

/** WebRTC's GMM voice activity detector (libfvad) through libfvad-jni. */
public final class WebRtcSpeechDetectorFactory implements SpeechDetectorFactory {
  private final VoiceActivityDetector.Mode mode;

  /**
   * Loads the native library once; fails at start-up, not on the first session.
   *
   * @param aggressiveness 0 (least) to 3 (most aggressive in calling frames non-speech)
   */
  public WebRtcSpeechDetectorFactory(int aggressiveness) {
    this.mode = VoiceActivityDetector.Mode.values()[aggressiveness];
    try {
      VoiceActivityDetector.loadLibrary();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load libfvad-jni native library", e);
    }
  }

  @Override
  public SpeechDetector create() {
    try {
      VoiceActivityDetector vad = VoiceActivityDetector.newInstance();
      vad.setMode(mode);
      vad.setSampleRate(VoiceActivityDetector.SampleRate.S16000);
      return new WebRtcSpeechDetector(vad);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a WebRTC VAD instance", e);
    }
  }

  private record WebRtcSpeechDetector(VoiceActivityDetector vad) implements SpeechDetector {
    @Override
    public boolean isSpeech(short[] frame) {
      try {
        return vad.process(frame);
      } catch (IOException e) {
        throw new UncheckedIOException("WebRTC VAD failed on a frame", e);
      }
    }

    @Override
    public void close() {
      vad.close();
    }
  }
}
