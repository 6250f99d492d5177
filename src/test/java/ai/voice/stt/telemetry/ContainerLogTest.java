package ai.voice.stt.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.support.Await;
import ai.voice.stt.support.NatsProcess;
import ai.voice.stt.support.ServiceProcess;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code stt serve} as it runs in a container ({@code STT_LOG_FORMAT=json}): a log collector parses
 * each line of its output as one JSON record, so every line must be one, including what libraries
 * log through {@code java.util.logging}. The OpenTelemetry SDK does: with no collector at the OTLP
 * endpoint it warns "Exporter failed" on every export.
 */
class ContainerLogTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @Test
  void everyLineIsAJsonRecordIncludingTheOpenTelemetrySdksWarnings() throws Exception {
    int nothingListens = NatsProcess.freePort();
    try (NatsProcess nats = NatsProcess.start();
        ServiceProcess stt =
            ServiceProcess.servingOn(
                nats,
                Map.of(
                    "STT_LOG_FORMAT", "json",
                    "OTEL_ENABLED", "true",
                    "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + nothingListens,
                    "OTEL_METRIC_EXPORT_INTERVAL", "300"))) {
      stt.awaitReady(WAIT);
      Await.until(
          () -> stt.output().stream().anyMatch(l -> l.contains("Exporter failed")),
          WAIT,
          "the SDK's export warning");
      stt.terminate();
      assertTrue(stt.process().waitFor(30, TimeUnit.SECONDS), "exited after SIGTERM");
      List<String> lines = stt.awaitOutputEnd(WAIT);
      ObjectMapper json = new ObjectMapper();
      for (String line : lines) {
        JsonNode record = json.readTree(line); // throws on a line that is not JSON
        assertTrue(record.has("level") && record.has("formattedMessage"), line);
      }
      for (String line : lines) {
        JsonNode record = json.readTree(line);
        if (record.get("loggerName").asText().startsWith("io.opentelemetry.exporter")) {
          // A collector that is down costs one line per failed export, not a stack trace.
          assertTrue(record.get("throwable").isNull(), line);
        }
      }
      JsonNode exporter =
          json.readTree(
              lines.stream().filter(l -> l.contains("Exporter failed")).findFirst().get());
      assertEquals("WARN", exporter.get("level").asText());
      assertTrue(
          exporter.get("loggerName").asText().startsWith("io.opentelemetry"), exporter.toString());
      assertTrue(
          lines.stream().anyMatch(l -> l.contains("SIGTERM received")),
          "the shutdown is logged as a record too");
    }
  }
}
