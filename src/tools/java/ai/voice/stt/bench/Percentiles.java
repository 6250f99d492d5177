package ai.voice.stt.bench;

import java.util.Arrays;
import java.util.Collection;

/** Nearest-rank percentiles of a sample, in the sample's unit. */
record Percentiles(int count, double p50, double p95, double p99, double max, double mean) {

  static Percentiles of(Collection<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    if (v.length == 0) {
      return new Percentiles(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
    return new Percentiles(
        v.length,
        rank(v, 50),
        rank(v, 95),
        rank(v, 99),
        v[v.length - 1],
        Arrays.stream(v).average().orElseThrow());
  }

  private static double rank(double[] sorted, double percentile) {
    int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }
}
