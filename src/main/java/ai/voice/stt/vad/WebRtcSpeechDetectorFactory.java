package ai.voice.stt.vad;

import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;

/** WebRTC's GMM voice activity detector (libfvad), one native instance per session. */
public final class WebRtcSpeechDetectorFactory implements SpeechDetectorFactory {
  private static final NativeLong FRAME_LENGTH = new NativeLong(SpeechDetector.FRAME_SAMPLES);
  private final int mode;

  /**
   * Loads the native library once; fails at start-up, not on the first session.
   *
   * @param aggressiveness 0 (least) to 3 (most aggressive in calling frames non-speech)
   */
  public WebRtcSpeechDetectorFactory(int aggressiveness) {
    if (aggressiveness < 0 || aggressiveness > 3) {
      throw new IllegalArgumentException("VAD aggressiveness must be 0-3: " + aggressiveness);
    }
    this.mode = aggressiveness;
    LibFvad.load();
  }

  @Override
  public SpeechDetector create() {
    Pointer vad = LibFvad.fvad_new();
    if (vad == null) {
      throw new OutOfMemoryError("fvad_new: no memory for a WebRTC VAD instance");
    }
    if (LibFvad.fvad_set_mode(vad, mode) != 0
        || LibFvad.fvad_set_sample_rate(vad, SpeechDetector.SAMPLE_RATE) != 0) {
      LibFvad.fvad_free(vad);
      throw new IllegalStateException("libfvad rejected mode " + mode + " or 16 kHz");
    }
    return new WebRtcSpeechDetector(vad);
  }

  /** One session's detector; like the session, used by one thread at a time. */
  private static final class WebRtcSpeechDetector implements SpeechDetector {
    private Pointer vad;

    WebRtcSpeechDetector(Pointer vad) {
      this.vad = vad;
    }

    @Override
    public boolean isSpeech(short[] frame) {
      if (vad == null) {
        throw new IllegalStateException("VAD used after close");
      }
      if (frame.length != SpeechDetector.FRAME_SAMPLES) {
        throw new IllegalArgumentException("frame of " + frame.length + " samples, not 480");
      }
      return LibFvad.fvad_process(vad, frame, FRAME_LENGTH) == 1;
    }

    @Override
    public void close() {
      if (vad != null) {
        LibFvad.fvad_free(vad);
        vad = null;
      }
    }
  }
}
