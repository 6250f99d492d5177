package ai.voice.stt.audio;

/**
 * Turns one session's incoming PCM (any supported rate, mono or stereo) into 16 kHz mono samples,
 * the only format the VAD and the recognizer see. One instance per session: it holds filter state.
 */
public final class AudioNormalizer {
  public static final int TARGET_RATE = 16_000;

  private final int channels;
  private final StreamingResampler resampler;

  public AudioNormalizer(int sampleRate, int channels) {
    this.channels = channels;
    this.resampler = new StreamingResampler(sampleRate, TARGET_RATE);
  }

  /** Bytes per whole sample frame; a chunk must be a multiple of it. */
  public int frameBytes() {
    return 2 * channels;
  }

  public short[] normalize(byte[] pcm) {
    return resampler.process(Pcm16.toMono(pcm, channels));
  }
}
