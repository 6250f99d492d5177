package ai.voice.stt.telemetry;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.PointData;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * OpenTelemetry metrics in the Prometheus text format 0.0.4, named the way Prometheus' own OTLP
 * translation names them: dots become underscores, unit {@code s} adds {@code _seconds}, counters
 * end in {@code _total}, histograms give {@code _bucket}, {@code _sum} and {@code _count}.
 */
final class PrometheusFormat {
  private final StringBuilder out = new StringBuilder();

  private PrometheusFormat() {}

  static String render(Collection<MetricData> metrics) {
    PrometheusFormat text = new PrometheusFormat();
    List<MetricData> sorted = new ArrayList<>();
    for (MetricData metric : metrics) {
      // The SDK's own instruments (exporter queue sizes) go to the collector only.
      if (metric.getInstrumentationScopeInfo().getName().equals(Telemetry.INSTRUMENTATION_SCOPE)) {
        sorted.add(metric);
      }
    }
    sorted.sort(Comparator.comparing(MetricData::getName));
    sorted.forEach(text::metric);
    return text.out.toString();
  }

  private void metric(MetricData metric) {
    String base = baseName(metric);
    switch (metric.getType()) {
      case LONG_GAUGE -> {
        header(base, "gauge", metric);
        for (LongPointData p : metric.getLongGaugeData().getPoints()) {
          sample(base, p.getAttributes(), "", p.getValue());
        }
      }
      case DOUBLE_GAUGE -> {
        header(base, "gauge", metric);
        for (DoublePointData p : metric.getDoubleGaugeData().getPoints()) {
          sample(base, p.getAttributes(), "", p.getValue());
        }
      }
      case LONG_SUM -> {
        String name = metric.getLongSumData().isMonotonic() ? base + "_total" : base;
        header(name, metric.getLongSumData().isMonotonic() ? "counter" : "gauge", metric);
        for (LongPointData p : metric.getLongSumData().getPoints()) {
          sample(name, p.getAttributes(), "", p.getValue());
        }
      }
      case DOUBLE_SUM -> {
        String name = metric.getDoubleSumData().isMonotonic() ? base + "_total" : base;
        header(name, metric.getDoubleSumData().isMonotonic() ? "counter" : "gauge", metric);
        for (DoublePointData p : metric.getDoubleSumData().getPoints()) {
          sample(name, p.getAttributes(), "", p.getValue());
        }
      }
      case HISTOGRAM -> {
        header(base, "histogram", metric);
        for (HistogramPointData p : sortedPoints(metric.getHistogramData().getPoints())) {
          histogram(base, p);
        }
      }
      default -> {
        // Summaries and exponential histograms: none of our instruments produce them.
      }
    }
  }

  private void histogram(String name, HistogramPointData p) {
    long cumulative = 0;
    List<Double> bounds = p.getBoundaries();
    for (int i = 0; i < bounds.size(); i++) {
      cumulative += p.getCounts().get(i);
      sample(name + "_bucket", p.getAttributes(), le(format(bounds.get(i))), cumulative);
    }
    sample(name + "_bucket", p.getAttributes(), le("+Inf"), p.getCount());
    sample(name + "_sum", p.getAttributes(), "", p.getSum());
    sample(name + "_count", p.getAttributes(), "", p.getCount());
  }

  private static <T extends PointData> List<T> sortedPoints(Collection<T> points) {
    List<T> sorted = new ArrayList<>(points);
    sorted.sort(Comparator.comparing(p -> p.getAttributes().toString()));
    return sorted;
  }

  private static String le(String bound) {
    return "le=\"" + bound + "\"";
  }

  static String baseName(MetricData metric) {
    String name = metric.getName().replaceAll("[^A-Za-z0-9_:]", "_");
    String unit =
        switch (metric.getUnit()) {
          case "s" -> "seconds";
          case "By" -> "bytes";
          default -> "";
        };
    return unit.isEmpty() || name.endsWith("_" + unit) ? name : name + "_" + unit;
  }

  private void header(String name, String type, MetricData metric) {
    out.append("# HELP ").append(name).append(' ').append(metric.getDescription()).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  private void sample(String name, Attributes attributes, String extraLabel, double value) {
    out.append(name);
    List<String> labels = new ArrayList<>();
    attributes.forEach(
        (key, v) ->
            labels.add(key.getKey().replaceAll("[^A-Za-z0-9_]", "_") + "=\"" + escape(v) + "\""));
    if (!extraLabel.isEmpty()) {
      labels.add(extraLabel);
    }
    if (!labels.isEmpty()) {
      out.append('{').append(String.join(",", labels)).append('}');
    }
    out.append(' ').append(format(value)).append('\n');
  }

  private static String escape(Object value) {
    return String.valueOf(value).replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  private static String format(double value) {
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return Long.toString((long) value);
    }
    return String.format(Locale.ROOT, "%.6g", value);
  }
}
