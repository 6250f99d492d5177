package ai.voice.stt.telemetry;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.export.MetricReader;

/**
 * A pull reader: collects the current values when {@code /metrics} is scraped. Written here rather
 * than taken from opentelemetry-exporter-prometheus, which brings the Prometheus client library and
 * its own HTTP server while we already serve {@code /metrics} (docs/decisions/0010).
 */
final class PrometheusReader implements MetricReader {
  private volatile CollectionRegistration registration = CollectionRegistration.noop();

  @Override
  public void register(CollectionRegistration registration) {
    this.registration = registration;
  }

  @Override
  public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
    return AggregationTemporality.CUMULATIVE; // what Prometheus expects
  }

  String render() {
    return PrometheusFormat.render(registration.collectAllMetrics());
  }

  @Override
  public CompletableResultCode forceFlush() {
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public CompletableResultCode shutdown() {
    registration = CollectionRegistration.noop();
    return CompletableResultCode.ofSuccess();
  }
}
