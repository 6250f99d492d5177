package ai.voice.stt.audio;

/** Conversions of signed 16-bit little-endian PCM. */
public final class Pcm16 {
  private static final float SCALE = 1f / 32768f;

  private Pcm16() {}

  /** Interleaved PCM bytes to mono samples, averaging the channels. */
  public static short[] toMono(byte[] pcm, int channels) {
    int frames = pcm.length / (2 * channels);
    short[] mono = new short[frames];
    for (int f = 0, b = 0; f < frames; f++) {
      int sum = 0;
      for (int c = 0; c < channels; c++, b += 2) {
        sum += (short) ((pcm[b] & 0xff) | (pcm[b + 1] << 8));
      }
      mono[f] = (short) (sum / channels);
    }
    return mono;
  }

  /** Samples to whisper's float range [-1, 1). */
  public static float[] toFloat(short[] samples, int from, int to) {
    float[] out = new float[to - from];
    for (int i = from; i < to; i++) {
      out[i - from] = samples[i] * SCALE;
    }
    return out;
  }

  public static byte[] toBytes(short[] samples) {
    byte[] out = new byte[samples.length * 2];
    for (int i = 0; i < samples.length; i++) {
      out[2 * i] = (byte) samples[i];
      out[2 * i + 1] = (byte) (samples[i] >> 8);
    }
    return out;
  }
}
