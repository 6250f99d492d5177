package ai.voice.stt.turn;

/**
 * A complex discrete Fourier transform of one fixed size whose prime factors are small (400 = 2⁴ ·
 * 5² for the log-mel front end): recursive Cooley-Tukey over each factor, so a 400-point transform
 * costs about 7,200 complex multiplications instead of 160,000. Holds scratch space: one instance
 * per thread.
 */
final class MixedRadixFft {
  private final int size;
  private final double[] cos;
  private final double[] sin;
  private final double[] scratchRe;
  private final double[] scratchIm;

  MixedRadixFft(int size) {
    if (size < 1) {
      throw new IllegalArgumentException("size must be positive: " + size);
    }
    this.size = size;
    cos = new double[size];
    sin = new double[size];
    for (int i = 0; i < size; i++) {
      double angle = -2 * Math.PI * i / size;
      cos[i] = Math.cos(angle);
      sin[i] = Math.sin(angle);
    }
    int largestFactor = 1;
    for (int n = size; n > 1; n /= smallestFactor(n)) {
      largestFactor = Math.max(largestFactor, smallestFactor(n));
    }
    scratchRe = new double[largestFactor];
    scratchIm = new double[largestFactor];
  }

  int size() {
    return size;
  }

  /** X[k] = Σ x[n]·e^(−2πikn/N) of the real input {@code re} (length N) into the outputs. */
  void transformReal(double[] re, double[] outRe, double[] outIm) {
    transform(re, null, 0, 1, size, outRe, outIm, 0);
  }

  private void transform(
      double[] inRe,
      double[] inIm,
      int offset,
      int stride,
      int n,
      double[] re,
      double[] im,
      int out) {
    if (n == 1) {
      re[out] = inRe[offset];
      im[out] = inIm == null ? 0 : inIm[offset];
      return;
    }
    int p = smallestFactor(n);
    int m = n / p;
    for (int r = 0; r < p; r++) {
      transform(inRe, inIm, offset + r * stride, stride * p, m, re, im, out + r * m);
    }
    int twiddleStep = size / n;
    for (int k = 0; k < m; k++) {
      for (int q = 0; q < p; q++) {
        double sumRe = 0;
        double sumIm = 0;
        int index = k + q * m;
        for (int r = 0; r < p; r++) {
          int w = (int) ((long) r * index % n) * twiddleStep;
          double yRe = re[out + r * m + k];
          double yIm = im[out + r * m + k];
          sumRe += yRe * cos[w] - yIm * sin[w];
          sumIm += yRe * sin[w] + yIm * cos[w];
        }
        scratchRe[q] = sumRe;
        scratchIm[q] = sumIm;
      }
      for (int q = 0; q < p; q++) {
        re[out + k + q * m] = scratchRe[q];
        im[out + k + q * m] = scratchIm[q];
      }
    }
  }

  private static int smallestFactor(int n) {
    for (int f = 2; f * f <= n; f++) {
      if (n % f == 0) {
        return f;
      }
    }
    return n;
  }
}
