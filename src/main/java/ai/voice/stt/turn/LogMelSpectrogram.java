package ai.voice.stt.turn;

/**
 * Whisper's 80-bin log-mel features of 8 s of 16 kHz audio, as {@code transformers}'
 * WhisperFeatureExtractor computes them for Smart Turn ({@code chunk_length=8, do_normalize=True};
 * pipecat vendors the same arithmetic): the waveform normalised to zero mean and unit variance, a
 * centred (reflect-padded) short-time power spectrum with a periodic Hann window (n_fft 400, hop
 * 160), 80 Slaney-normalised triangular mel filters from 0 to 8 kHz, log10 of at least 1e-10, the
 * last frame dropped, values clamped to (max − 8) and mapped by (x + 4) / 4. Pure arithmetic in
 * double precision; holds scratch space, so one instance per thread.
 */
public final class LogMelSpectrogram {
  public static final int SAMPLE_RATE = 16_000;
  public static final int SAMPLES = 8 * SAMPLE_RATE;
  public static final int MELS = 80;
  public static final int FRAMES = SAMPLES / 160;
  static final int N_FFT = 400;
  static final int HOP = 160;
  private static final int BINS = N_FFT / 2 + 1;
  private static final double MEL_FLOOR = 1e-10;
  private static final double NORMALIZE_EPSILON = 1e-7;
  private static final double MIN_LOG_HERTZ = 1000.0;
  private static final double MIN_LOG_MEL = 15.0;
  private static final double LOG_STEP = Math.log(6.4) / 27.0;
  private static final double[] WINDOW = periodicHann(N_FFT);
  private static final double[][] FILTERS = slaneyMelFilters();

  private final MixedRadixFft fft = new MixedRadixFft(N_FFT);
  private final double[] frame = new double[N_FFT];
  private final double[] spectrumRe = new double[N_FFT];
  private final double[] spectrumIm = new double[N_FFT];
  private final double[] power = new double[BINS];

  /**
   * The features of the last 8 s of {@code audio} (16 kHz, samples in [−1, 1]); shorter audio is
   * left-padded with zeros, as Smart Turn's own front end does.
   *
   * @return {@code [MELS][FRAMES]} (80 × 800), row-major by mel bin
   */
  public float[][] features(float[] audio) {
    double[] x = lastEightSeconds(audio);
    normalize(x);
    double[][] logMel = new double[MELS][FRAMES];
    double max = Double.NEGATIVE_INFINITY;
    int pad = N_FFT / 2;
    for (int t = 0; t < FRAMES; t++) {
      int start = t * HOP - pad;
      for (int i = 0; i < N_FFT; i++) {
        frame[i] = x[reflect(start + i, x.length)] * WINDOW[i];
      }
      fft.transformReal(frame, spectrumRe, spectrumIm);
      for (int k = 0; k < BINS; k++) {
        power[k] = spectrumRe[k] * spectrumRe[k] + spectrumIm[k] * spectrumIm[k];
      }
      for (int m = 0; m < MELS; m++) {
        double[] filter = FILTERS[m];
        double sum = 0;
        for (int k = 0; k < BINS; k++) {
          sum += filter[k] * power[k];
        }
        double value = Math.log10(Math.max(MEL_FLOOR, sum));
        logMel[m][t] = value;
        max = Math.max(max, value);
      }
    }
    float[][] out = new float[MELS][FRAMES];
    double floor = max - 8;
    for (int m = 0; m < MELS; m++) {
      for (int t = 0; t < FRAMES; t++) {
        out[m][t] = (float) ((Math.max(logMel[m][t], floor) + 4) / 4);
      }
    }
    return out;
  }

  private static double[] lastEightSeconds(float[] audio) {
    double[] x = new double[SAMPLES];
    int take = Math.min(audio.length, SAMPLES);
    int from = audio.length - take;
    int to = SAMPLES - take;
    for (int i = 0; i < take; i++) {
      x[to + i] = audio[from + i];
    }
    return x;
  }

  private static void normalize(double[] x) {
    double mean = 0;
    for (double v : x) {
      mean += v;
    }
    mean /= x.length;
    double variance = 0;
    for (double v : x) {
      variance += (v - mean) * (v - mean);
    }
    variance /= x.length;
    double scale = 1 / Math.sqrt(variance + NORMALIZE_EPSILON);
    for (int i = 0; i < x.length; i++) {
      x[i] = (x[i] - mean) * scale;
    }
  }

  /** numpy's "reflect" padding: the edge sample is not repeated. */
  private static int reflect(int i, int n) {
    if (i < 0) {
      return -i;
    }
    if (i >= n) {
      return 2 * (n - 1) - i;
    }
    return i;
  }

  private static double[] periodicHann(int length) {
    double[] w = new double[length];
    for (int i = 0; i < length; i++) {
      w[i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / length);
    }
    return w;
  }

  /** {@code [MELS][BINS]}: librosa's/transformers' Slaney mel filter bank, area-normalised. */
  private static double[][] slaneyMelFilters() {
    double melMin = hertzToMel(0);
    double melMax = hertzToMel(SAMPLE_RATE / 2.0);
    double[] edges = new double[MELS + 2];
    for (int i = 0; i < edges.length; i++) {
      edges[i] = melToHertz(melMin + (melMax - melMin) * i / (MELS + 1));
    }
    double[][] filters = new double[MELS][BINS];
    for (int m = 0; m < MELS; m++) {
      double lower = edges[m];
      double centre = edges[m + 1];
      double upper = edges[m + 2];
      double norm = 2.0 / (upper - lower);
      for (int k = 0; k < BINS; k++) {
        double f = (double) (SAMPLE_RATE / 2) * k / (BINS - 1);
        double down = (f - lower) / (centre - lower);
        double up = (upper - f) / (upper - centre);
        filters[m][k] = Math.max(0, Math.min(down, up)) * norm;
      }
    }
    return filters;
  }

  private static double hertzToMel(double hertz) {
    return hertz >= MIN_LOG_HERTZ
        ? MIN_LOG_MEL + Math.log(hertz / MIN_LOG_HERTZ) / LOG_STEP
        : 3.0 * hertz / 200.0;
  }

  private static double melToHertz(double mel) {
    return mel >= MIN_LOG_MEL
        ? MIN_LOG_HERTZ * Math.exp(LOG_STEP * (mel - MIN_LOG_MEL))
        : 200.0 * mel / 3.0;
  }
}
