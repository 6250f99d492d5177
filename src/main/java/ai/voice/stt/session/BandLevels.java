package ai.voice.stt.session;

/**
 * The energy of one 30 ms frame in three bands of the speech spectrum: 250-1000 Hz (first formant,
 * voicing), 1000-2500 Hz (second formant), 2500-6000 Hz (fricatives), in dB, from a Hann-windowed
 * 512-point FFT at 16 kHz. Speech in broadband noise still rises and falls in the band where it is
 * loudest (at 5 dB SNR in white noise its voicing is ~10 dB over the noise below 1 kHz), which the
 * frame's total energy hides; every band of steady noise stays steady.
 */
final class BandLevels {
  static final int BANDS = 3;
  private static final int SIZE = 512;
  private static final int RATE = 16_000;
  private static final int[] EDGES_HZ = {250, 1000, 2500, 6000};
  private static final double[] WINDOW = new double[ai.voice.stt.vad.SpeechDetector.FRAME_SAMPLES];

  static {
    for (int i = 0; i < WINDOW.length; i++) {
      WINDOW[i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / (WINDOW.length - 1));
    }
  }

  private BandLevels() {}

  /** Mean power per FFT bin of each band, in dB; frames longer than the window are cut. */
  static double[] of(short[] frame) {
    double[] re = new double[SIZE];
    double[] im = new double[SIZE];
    int n = Math.min(frame.length, WINDOW.length);
    for (int i = 0; i < n; i++) {
      re[i] = frame[i] * WINDOW[i];
    }
    fft(re, im);
    double[] levels = new double[BANDS];
    for (int b = 0; b < BANDS; b++) {
      int lo = EDGES_HZ[b] * SIZE / RATE;
      int hi = EDGES_HZ[b + 1] * SIZE / RATE;
      double sum = 0;
      for (int k = lo; k < hi; k++) {
        sum += re[k] * re[k] + im[k] * im[k];
      }
      levels[b] = 10 * Math.log10(sum / (hi - lo) + 1);
    }
    return levels;
  }

  /** In-place iterative radix-2 FFT; {@code re.length} is a power of two. */
  private static void fft(double[] re, double[] im) {
    int n = re.length;
    for (int i = 1, j = 0; i < n; i++) {
      int bit = n >> 1;
      for (; (j & bit) != 0; bit >>= 1) {
        j ^= bit;
      }
      j ^= bit;
      if (i < j) {
        double t = re[i];
        re[i] = re[j];
        re[j] = t;
        t = im[i];
        im[i] = im[j];
        im[j] = t;
      }
    }
    for (int len = 2; len <= n; len <<= 1) {
      double angle = -2 * Math.PI / len;
      double wr = Math.cos(angle);
      double wi = Math.sin(angle);
      for (int i = 0; i < n; i += len) {
        double cr = 1;
        double ci = 0;
        for (int j = 0; j < len / 2; j++) {
          int u = i + j;
          int v = u + len / 2;
          double xr = re[v] * cr - im[v] * ci;
          double xi = re[v] * ci + im[v] * cr;
          re[v] = re[u] - xr;
          im[v] = im[u] - xi;
          re[u] += xr;
          im[u] += xi;
          double t = cr * wr - ci * wi;
          ci = cr * wi + ci * wr;
          cr = t;
        }
      }
    }
  }
}
