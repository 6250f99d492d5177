package ai.voice.stt.telemetry;

import static ai.voice.stt.support.OtlpReceiver.attribute;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.client.Received;
import ai.voice.stt.client.StreamClient;
import ai.voice.stt.client.StreamOptions;
import ai.voice.stt.config.ConfigLoader;
import ai.voice.stt.support.OtlpReceiver;
import ai.voice.stt.support.ServiceUnderTest;
import ai.voice.stt.support.TestData;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.trace.v1.Span;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Spans and metrics leave the service over the wire, as OTLP/HTTP protobuf, to a receiver the test
 * runs; they are decoded with the OpenTelemetry protocol's own generated classes.
 */
class TelemetryExportTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @Test
  void oneUtteranceGivesATraceWithQueueRecognizeAndPublishAndTheMetricsReachTheCollector()
      throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      try (ServiceUnderTest stt =
          new ServiceUnderTest(
              Map.of(
                  "OTEL_ENABLED", "true",
                  "OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint(),
                  "OTEL_METRIC_EXPORT_INTERVAL", "500"))) {
        streamOneUtterance(stt, "traced-1", "alice");
        // Shutting down flushes the spans and the last metrics.
        stt.service().close();
      }

      List<Span> spans = receiver.spans();
      Span utterance = only(spans, "utterance");
      assertEquals(Optional.of("voice-stt"), receiver.serviceName());
      assertEquals("traced-1", string(utterance, "stt.session_id"));
      assertEquals("alice", string(utterance, "stt.speaker_id"));
      assertTrue(attr(utterance, "stt.is_final").getBoolValue());
      assertTrue(attr(utterance, "stt.audio_seconds").getDoubleValue() > 0);
      for (String child : List.of("queue", "recognize", "publish")) {
        Span span = only(spans, child);
        assertEquals(utterance.getTraceId(), span.getTraceId(), child + " in the utterance trace");
        assertEquals(utterance.getSpanId(), span.getParentSpanId(), child + " under utterance");
        assertEquals("traced-1", string(span, "stt.session_id"));
        assertTrue(span.getEndTimeUnixNano() >= span.getStartTimeUnixNano(), child);
      }

      Set<String> names =
          receiver.metrics().stream().map(Metric::getName).collect(Collectors.toSet());
      assertTrue(
          names.containsAll(
              Set.of(
                  "stt.final_latency",
                  "stt.inference.duration",
                  "stt.realtime_factor",
                  "stt.audio.input",
                  "stt.errors",
                  "stt.interrupts",
                  "stt.sessions.active",
                  "stt.inference.queue_depth")),
          names.toString());
      Metric latency = last(receiver.metrics(), "stt.final_latency");
      assertEquals("s", latency.getUnit());
      assertTrue(latency.getHistogram().getDataPoints(0).getCount() >= 1);
      Metric audio = last(receiver.metrics(), "stt.audio.input");
      assertTrue(audio.getSum().getDataPoints(0).getAsDouble() > 1, audio.toString());
      assertTrue(
          last(receiver.metrics(), "stt.errors").getSum().getDataPointsList().stream()
              .anyMatch(p -> attribute(p.getAttributesList(), "code").isPresent()),
          "errors carry their code");
    }
  }

  @Test
  void hyperdxNeedsOnlyItsKeyAndSendsItAsTheAuthorizationHeader() throws Exception {
    var settings =
        ConfigLoader.load(Map.of("HYPERDX_ENABLED", "true", "HYPERDX_API_KEY", "hdx-123"), 2)
            .operations()
            .telemetry();
    Map<String, String> defaults = Telemetry.defaults(settings);
    assertEquals("https://in-otel.hyperdx.io", defaults.get("otel.exporter.otlp.endpoint"));
    assertEquals("http/protobuf", defaults.get("otel.exporter.otlp.protocol"));
    assertEquals("authorization=hdx-123", defaults.get("otel.exporter.otlp.headers"));

    // Over the wire: the same settings, with only the endpoint pointed at the test's receiver.
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      try (ServiceUnderTest stt =
          new ServiceUnderTest(
              Map.of(
                  "OTEL_ENABLED", "true",
                  "HYPERDX_ENABLED", "true",
                  "HYPERDX_API_KEY", "hdx-123",
                  "OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint()))) {
        streamOneUtterance(stt, "traced-2", "bob");
        stt.service().close();
      }
      assertFalse(receiver.header("authorization").isEmpty(), "nothing was exported");
      assertTrue(
          receiver.header("authorization").stream().allMatch("hdx-123"::equals),
          receiver.header("authorization").toString());
    }
  }

  /**
   * {@code STT_REDACT_USER_DATA=true}: with DEBUG logs and spans exported, no span attribute and no
   * log line carries the speaker id or any transcript text; the session id stays on the spans.
   */
  @Test
  void redactedUserDataLeavesNoSpeakerIdOrTranscriptInSpansOrLogs() throws Exception {
    String speaker = "speaker-secret-42";
    ch.qos.logback.classic.Logger service =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("ai.voice.stt");
    ch.qos.logback.classic.Level level = service.getLevel();
    service.setLevel(ch.qos.logback.classic.Level.DEBUG);
    List<Received> out;
    List<String> logged;
    try (OtlpReceiver receiver = new OtlpReceiver();
        ai.voice.stt.support.LogCapture log = new ai.voice.stt.support.LogCapture()) {
      try (ServiceUnderTest stt =
          new ServiceUnderTest(
              Map.of(
                  "OTEL_ENABLED", "true",
                  "OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint(),
                  "STT_REDACT_USER_DATA", "true"))) {
        out = streamOneUtterance(stt, "redacted-1", speaker);
        stt.service().close();
      }
      logged = log.lines();
      List<Span> spans = receiver.spans();
      assertFalse(spans.isEmpty(), "no spans exported");
      for (Span span : spans) {
        assertTrue(attribute(span.getAttributesList(), "stt.speaker_id").isEmpty(), span.getName());
        assertFalse(span.toString().contains(speaker), "speaker id in span " + span);
      }
      assertEquals("redacted-1", string(only(spans, "utterance"), "stt.session_id"));
    } finally {
      service.setLevel(level);
    }
    // The DEBUG lines that would show a transcript were written, without it.
    assertTrue(
        logged.stream().anyMatch(l -> l.contains("speculative answer") && l.contains("redacted")),
        "no speculative answer logged at DEBUG");
    List<String> words =
        out.stream()
            .flatMap(r -> List.of(r.transcript().toLowerCase().split("\\W+")).stream())
            .filter(w -> w.length() > 3)
            .toList();
    assertFalse(words.isEmpty(), out.toString());
    for (String line : logged) {
      assertFalse(line.contains(speaker), "speaker id logged: " + line);
      for (String word : words) {
        assertFalse(line.toLowerCase().contains(word), "transcript word '" + word + "' in " + line);
      }
    }
  }

  private static List<Received> streamOneUtterance(ServiceUnderTest stt, String id, String speaker)
      throws Exception {
    try (StreamClient.Session session = stt.client().listen(id, r -> {})) {
      stt.client().stream(
          id,
          TestData.recording("goforward").clip(),
          StreamOptions.realTime().withSpeed(4).withSpeaker(speaker),
          session);
      List<Received> out = session.awaitEnd(WAIT);
      assertTrue(out.stream().anyMatch(r -> !r.transcript().isBlank()), out.toString());
      return out;
    }
  }

  private static Span only(List<Span> spans, String name) {
    List<Span> named = spans.stream().filter(s -> s.getName().equals(name)).toList();
    assertFalse(
        named.isEmpty(),
        "no span " + name + " among " + spans.stream().map(Span::getName).toList());
    return named.getFirst();
  }

  private static Metric last(List<Metric> metrics, String name) {
    return metrics.stream().filter(m -> m.getName().equals(name)).reduce((a, b) -> b).orElseThrow();
  }

  private static AnyValue attr(Span span, String key) {
    return attribute(span.getAttributesList(), key).orElseThrow(() -> new AssertionError(key));
  }

  private static String string(Span span, String key) {
    return attr(span, key).getStringValue();
  }
}
