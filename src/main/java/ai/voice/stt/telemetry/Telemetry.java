package ai.voice.stt.telemetry;

import ai.voice.stt.config.SttConfig;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
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
  private static final long SHUTDOWN_SECONDS = 5;

  private final PrometheusReader prometheus;
  private final AutoCloseable owner;
  private final SttMetrics metrics;
  private final Tracer tracer;

  private Telemetry(PrometheusReader prometheus, AutoCloseable owner, Meter meter, Tracer tracer) {
    this.prometheus = prometheus;
    this.owner = owner;
    this.metrics = new SttMetrics(meter);
    this.tracer = tracer;
  }

  public static Telemetry create(SttConfig.Telemetry settings) {
    PrometheusReader prometheus = new PrometheusReader();
    if (!settings.enabled()) {
      SdkMeterProvider meters = SdkMeterProvider.builder().registerMetricReader(prometheus).build();
      return new Telemetry(
          prometheus,
          meters,
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
        () -> sdk.shutdown().join(SHUTDOWN_SECONDS, TimeUnit.SECONDS),
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

  /** The metrics in the Prometheus text format, for {@code /metrics}. */
  public String prometheusText() {
    return prometheus.render();
  }

  /** Exports what is buffered (within a few seconds) and stops. */
  @Override
  public void close() {
    try {
      owner.close();
    } catch (Exception e) {
      // Telemetry must never fail a shutdown; the exporter has already logged why.
    }
  }
}
