package ai.voice.stt.audio;

/**
 * Rational-ratio resampler (up by L, down by M) with a windowed-sinc low-pass, streaming: state
 * carries over between calls so chunk boundaries leave no clicks and no samples are lost.
 *
 * <p>Polyphase form: output n sits at position n·M of the L-times upsampled signal; only the filter
 * phase that lands on real input samples is evaluated, so the cost is {@code TAPS} multiply adds
 * per output sample whatever the ratio.
 */
public final class StreamingResampler {
  private static final int TAPS = 32;

  private final int up;
  private final int down;
  private final float[] filter;
  private final float[] history = new float[TAPS - 1];
  private long nextUpsampledIndex;
  private long consumedInputs;

  public StreamingResampler(int inputRate, int outputRate) {
    int gcd = gcd(inputRate, outputRate);
    this.up = outputRate / gcd;
    this.down = inputRate / gcd;
    this.filter = design(up, down);
  }

  public boolean isIdentity() {
    return up == down;
  }

  public short[] process(short[] input) {
    if (isIdentity()) {
      return input;
    }
    int keep = TAPS - 1;
    float[] window = new float[keep + input.length];
    System.arraycopy(history, 0, window, 0, keep);
    for (int i = 0; i < input.length; i++) {
      window[keep + i] = input[i];
    }
    long firstGlobal = consumedInputs - keep;
    long lastGlobal = consumedInputs + input.length - 1;
    // Every output whose upsampled position falls on or before the last input's phases.
    long lastUpsampled = lastGlobal * up + up - 1;
    int count = (int) Math.max(0, Math.floorDiv(lastUpsampled - nextUpsampledIndex, down) + 1);
    short[] out = new short[count];
    for (int n = 0; n < count; n++) {
      long t = nextUpsampledIndex;
      long base = t / up;
      int phase = (int) (t % up);
      float acc = 0f;
      for (int k = 0; k < TAPS; k++) {
        acc += filter[phase + k * up] * window[(int) (base - k - firstGlobal)];
      }
      out[n] = clamp(acc);
      nextUpsampledIndex += down;
    }
    System.arraycopy(window, window.length - keep, history, 0, keep);
    consumedInputs += input.length;
    return out;
  }

  private static short clamp(float value) {
    int rounded = Math.round(value);
    return (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, rounded));
  }

  /** Hann-windowed sinc at 90% of the lower Nyquist rate, gain L to undo zero-stuffing. */
  private static float[] design(int up, int down) {
    int length = TAPS * up;
    float[] h = new float[length];
    double cutoff = 0.9 / Math.max(up, down); // fraction of the upsampled rate's Nyquist
    double centre = (length - 1) / 2.0;
    for (int i = 0; i < length; i++) {
      double x = i - centre;
      double sinc = x == 0 ? 1.0 : Math.sin(Math.PI * cutoff * x) / (Math.PI * cutoff * x);
      double window = 0.5 - 0.5 * Math.cos(2 * Math.PI * (i + 0.5) / length);
      h[i] = (float) (up * cutoff * sinc * window);
    }
    return h;
  }

  private static int gcd(int a, int b) {
    return b == 0 ? a : gcd(b, a % b);
  }
}
