package ai.voice.stt.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The autoscaling signals (docs/operations.md, <i>Scaling</i>) as the service exports them on
 * {@code /metrics}, sampled through a load level: open sessions, utterances waiting for a
 * recognizer (queue + backlog) and the recognizer's busy fraction. What a Prometheus scraping the
 * pod would see, so the chart's targets can be read off the same run as the latency.
 */
final class ScalingSignals implements AutoCloseable {
  private final int healthPort;
  private final ScheduledExecutorService sampler =
      Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().factory());
  private final List<Double> sessions = new ArrayList<>();
  private final List<Double> waiting = new ArrayList<>();
  private final List<Double> busy = new ArrayList<>();

  ScalingSignals(int healthPort, long everyMillis) {
    this.healthPort = healthPort;
    sampler.scheduleAtFixedRate(this::sample, 0, everyMillis, TimeUnit.MILLISECONDS);
  }

  private void sample() {
    try {
      String m = ServiceMetrics.scrape(healthPort);
      double workers = ServiceMetrics.value(m, "stt_inference_workers", "");
      double queued =
          ServiceMetrics.value(m, "stt_inference_queue_depth", "")
              + ServiceMetrics.value(m, "stt_backlog_utterances", "");
      synchronized (this) {
        sessions.add(ServiceMetrics.value(m, "stt_sessions_active", ""));
        waiting.add(queued);
        busy.add(ServiceMetrics.value(m, "stt_inference_busy_workers", "") / workers);
      }
    } catch (Exception e) {
      // A missed sample is a gap in the series, not a failed run.
    }
  }

  /** Mean and p95 of each signal over the samples taken. */
  synchronized Map<String, Object> summary() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("samples", sessions.size());
    s.put("sessions", stats(sessions));
    s.put("utterances_waiting", stats(waiting));
    s.put("busy_fraction", stats(busy));
    return s;
  }

  private static Map<String, Object> stats(List<Double> values) {
    List<Double> v = values.stream().filter(d -> !d.isNaN()).sorted().toList();
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("mean", v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN));
    s.put("p95", v.isEmpty() ? Double.NaN : v.get((int) Math.ceil(0.95 * v.size()) - 1));
    return s;
  }

  @Override
  public void close() {
    sampler.shutdownNow();
  }
}
