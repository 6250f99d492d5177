package ai.voice.stt.telemetry;

import ai.voice.stt.config.SttConfig;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.prometheus.PrometheusMetricReader;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The one place OpenTelemetry is set up: built from the configuration, handed to business code as
 * {@link SttMetrics} and a {@link Tracer} through constructors, and shut down (flushing what is
 * buffered) last. Nothing is registered globally.
 *
 * <p>Export follows the standard {@code OTEL_*} variables through the SDK's autoconfiguration, with
 * defaults of our own (service name, OTLP over HTTP). {@code OTEL_ENABLED=false} exports nothing;
 * the metrics still feed the {@code /metrics} page, which needs no collector.
 */
public final class Telemetry implements AutoCloseable {
  static final String INSTRUMENTATION_SCOPE = "ai.voice.stt";
  static final String HYPERDX_ENDPOINT = "https://in-otel.hyperdx.io";
  private static final Duration MAX_SHUTDOWN = Duration.ofSeconds(5);

  private final PrometheusMetricReader prometheus;
  private final Meter meter;
  private final Closer owner;
  private final SttMetrics metrics;
  private final Tracer tracer;

  /** Flushes and stops the SDK within a time limit. */
  @FunctionalInterface
  private interface Closer {
    void close(Duration limit);
  }

  private Telemetry(PrometheusMetricReader prometheus, Closer owner, Meter meter, Tracer tracer) {
    this.prometheus = prometheus;
    this.meter = meter;
    this.owner = owner;
    this.metrics = new SttMetrics(meter);
    this.tracer = tracer;
  }

  public static Telemetry create(SttConfig.Telemetry settings) {
    // The SDK's own Prometheus reader, pulled by HealthServer's /metrics: names translated the
    // standard way, no scope labels or target_info beside our metrics (docs/decisions/0014).
    PrometheusMetricReader prometheus =
        PrometheusMetricReader.builder()
            .setOtelScopeLabelsEnabled(false)
            .setTargetInfoMetricEnabled(false)
            .build();
    if (!settings.enabled()) {
      SdkMeterProvider meters = SdkMeterProvider.builder().registerMetricReader(prometheus).build();
      return new Telemetry(
          prometheus,
          limit -> meters.shutdown().join(limit.toMillis(), TimeUnit.MILLISECONDS),
          meters.get(INSTRUMENTATION_SCOPE),
          OpenTelemetry.noop().getTracer(INSTRUMENTATION_SCOPE));
    }
    OpenTelemetrySdk sdk =
        AutoConfiguredOpenTelemetrySdk.builder()
            .addPropertiesSupplier(() -> defaults(settings))
            // The variables from our configuration win, so tests can configure the SDK without
            // touching the process environment (in production they are the same variables).
            .addPropertiesCustomizer(ignored -> sdkProperties(settings.otelVariables()))
            .addMeterProviderCustomizer(
                (meters, ignored) -> meters.registerMetricReader(prometheus))
            // SttService shuts telemetry down last, after the final results went out.
            .disableShutdownHook()
            .build()
            .getOpenTelemetrySdk();
    return new Telemetry(
        prometheus,
        limit -> sdk.shutdown().join(limit.toMillis(), TimeUnit.MILLISECONDS),
        sdk.getMeter(INSTRUMENTATION_SCOPE),
        sdk.getTracer(INSTRUMENTATION_SCOPE));
  }

  /**
   * Our defaults, below anything set through {@code OTEL_*}: OTLP over HTTP (the JDK sender has no
   * gRPC), no log export (logs go to stdout), and for HyperDX its endpoint and key.
   */
  static Map<String, String> defaults(SttConfig.Telemetry settings) {
    Map<String, String> defaults = new HashMap<>();
    defaults.put("otel.service.name", "voice-stt");
    defaults.put("otel.exporter.otlp.protocol", "http/protobuf");
    defaults.put("otel.logs.exporter", "none");
    if (settings.hyperdxEnabled()) {
      defaults.put("otel.exporter.otlp.endpoint", HYPERDX_ENDPOINT);
      settings
          .hyperdxApiKey()
          .ifPresent(
              key -> defaults.put("otel.exporter.otlp.headers", "authorization=" + key.value()));
    }
    return defaults;
  }

  /** {@code OTEL_EXPORTER_OTLP_ENDPOINT} → {@code otel.exporter.otlp.endpoint}, as the SDK does. */
  static Map<String, String> sdkProperties(Map<String, String> otelVariables) {
    Map<String, String> properties = new HashMap<>();
    otelVariables.forEach(
        (name, value) -> properties.put(name.toLowerCase(Locale.ROOT).replace('_', '.'), value));
    return properties;
  }

  public SttMetrics metrics() {
    return metrics;
  }

  public Tracer tracer() {
    return tracer;
  }

  /** For instruments that observe state owned elsewhere (the service's counters). */
  public Meter meter() {
    return meter;
  }

  /** The metrics in the Prometheus text format, for {@code /metrics}. */
  public String prometheusText() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      PrometheusTextFormatWriter.create()
          .write(out, prometheus.collect(), EscapingScheme.UNDERSCORE_ESCAPING);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Exports what is buffered (within a few seconds) and stops. */
  @Override
  public void close() {
    close(MAX_SHUTDOWN);
  }

  /**
   * Exports what is buffered and stops, waiting at most {@code limit} (and never more than 5 s): a
   * collector that is down must not hold a shutdown past its grace period, as the exporter's
   * retries otherwise would.
   */
  public void close(Duration limit) {
    Duration bounded = limit.compareTo(MAX_SHUTDOWN) < 0 ? limit : MAX_SHUTDOWN;
    // On a thread of its own: the SDK's shutdown does part of its final export on the calling
    // thread before it hands back a result to wait on, so a timeout on that result alone does not
    // bound it (measured: 6.9 s with a 5 s limit and no collector).
    Thread closing =
        Thread.ofPlatform()
            .daemon()
            .name("telemetry-shutdown")
            .start(
                () -> {
                  try {
                    owner.close(bounded);
                  } catch (RuntimeException e) {
                    // Telemetry must never fail a shutdown; the exporter has already logged why.
                  }
                });
    try {
      closing.join(bounded);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
