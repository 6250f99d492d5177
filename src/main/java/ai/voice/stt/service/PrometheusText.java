package ai.voice.stt.service;

import java.util.Locale;
import java.util.Map;

/**
 * Renders the service's counters and gauges in the Prometheus text exposition format (version
 * 0.0.4) for {@code GET /metrics}. One method per metric family keeps names, types and help text
 * side by side.
 */
final class PrometheusText {
  private final StringBuilder out = new StringBuilder();

  /**
   * The NATS link, results and session ends. Sessions, queue depth and errors by code come from the
   * OpenTelemetry instruments (telemetry.SttMetrics), rendered after these on the same page.
   *
   * @param inputDropped input messages the NATS client library dropped before the service saw them
   *     (its pending limit was full: a slow consumer), which no client is told about
   */
  static String render(
      ServiceStats stats, boolean natsConnected, long inputDropped, long nowNanos) {
    PrometheusText text = new PrometheusText();
    text.gauge("stt_nats_connected", "1 when the NATS connection is up", natsConnected ? 1 : 0);
    text.counter(
        "stt_input_dropped_total",
        "input messages dropped by the NATS client before the service read them (slow consumer)",
        inputDropped);
    text.counter("stt_nats_disconnects_total", "NATS connection losses", stats.natsDisconnects());
    text.counter(
        "stt_nats_reconnects_total", "NATS reconnections after a loss", stats.natsReconnects());
    text.counter(
        "stt_nats_disconnected_seconds_total",
        "time spent without a NATS connection, including an outage in progress",
        stats.natsDisconnectedTotal(nowNanos).toNanos() / 1e9);
    text.gauge(
        "stt_nats_last_outage_seconds",
        "length of the most recent NATS outage that has ended",
        stats.natsLastOutage().toNanos() / 1e9);
    text.counter("stt_results_total", "transcription results published", stats.resultsPublished());
    text.counter(
        "stt_publish_failures_total",
        "output messages NATS refused (reconnect buffer full); each is also logged",
        stats.publishFailures());
    text.header("stt_sessions_ended_total", "counter", "sessions ended, by end_reason");
    for (Map.Entry<String, Long> e : stats.sessionsEnded().entrySet()) {
      text.sample("stt_sessions_ended_total{reason=\"" + e.getKey() + "\"}", e.getValue());
    }
    return text.out.toString();
  }

  private void counter(String name, String help, double value) {
    header(name, "counter", help);
    sample(name, value);
  }

  private void gauge(String name, String help, double value) {
    header(name, "gauge", help);
    sample(name, value);
  }

  private void header(String name, String type, String help) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  private void sample(String series, double value) {
    out.append(series).append(' ');
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      out.append((long) value);
    } else {
      out.append(String.format(Locale.ROOT, "%.6f", value));
    }
    out.append('\n');
  }
}
