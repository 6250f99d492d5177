package ai.voice.stt.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.config.ConfigLoader;
import ai.voice.stt.protocol.ErrorCode;
import ai.voice.stt.protocol.OutputMessage;
import ai.voice.stt.protocol.SessionState;
import ai.voice.stt.telemetry.SttMetrics;
import ai.voice.stt.telemetry.Telemetry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ServiceStatsTest {
  private static final long SECOND = 1_000_000_000L;
  private final ServiceStats stats = new ServiceStats();

  @Test
  void anOutageLastsFromTheFirstDisconnectUntilTheReconnect() {
    assertTrue(stats.natsDisconnected(10 * SECOND));
    assertFalse(stats.natsDisconnected(11 * SECOND), "repeated reports are one outage");
    assertEquals(Duration.ofSeconds(3), stats.natsDisconnectedTotal(13 * SECOND), "ongoing");
    assertEquals(Duration.ofSeconds(4), stats.natsReconnected(14 * SECOND));

    assertTrue(stats.natsDisconnected(20 * SECOND));
    assertEquals(Duration.ofSeconds(1), stats.natsReconnected(21 * SECOND));

    assertEquals(2, stats.natsDisconnects());
    assertEquals(2, stats.natsReconnects());
    assertEquals(Duration.ofSeconds(1), stats.natsLastOutage());
    assertEquals(Duration.ofSeconds(5), stats.natsDisconnectedTotal(99 * SECOND));
  }

  @Test
  void everyPublishedMessageIsCountedByKind() {
    List<OutputMessage> sent = new ArrayList<>();
    CountingPublisher publisher = new CountingPublisher(sent::add, stats, SttMetrics.noop());
    publisher.publish(new OutputMessage.Error("s", ErrorCode.SESSION_LIMIT, "full", 0));
    publisher.publish(new OutputMessage.Error("s", ErrorCode.SESSION_LIMIT, "full", 0));
    publisher.publish(result(Optional.empty()));
    publisher.publish(result(Optional.of("idle_timeout")));

    assertEquals(4, sent.size(), "everything is passed on");
    assertEquals(2, stats.errors(ErrorCode.SESSION_LIMIT));
    assertEquals(0, stats.errors(ErrorCode.BAD_MESSAGE));
    assertEquals(2, stats.resultsPublished());
    assertEquals(1L, stats.sessionsEnded().get("idle_timeout"));
  }

  @Test
  void aMessageTheConnectionRefusesIsCountedAndTheSessionGoesOn() {
    CountingPublisher publisher =
        new CountingPublisher(
            m -> {
              throw new IllegalStateException("Unable to queue message, buffer full");
            },
            stats,
            SttMetrics.noop());
    publisher.publish(result(Optional.empty()));
    publisher.publish(result(Optional.empty()));
    assertEquals(2, stats.publishFailures());
  }

  @Test
  void theCountersReachTheMetricsPageThroughTheSdksPrometheusReader() {
    stats.natsDisconnected(0);
    stats.natsReconnected(SECOND / 2);
    new CountingPublisher(m -> {}, stats, SttMetrics.noop())
        .publish(new OutputMessage.Error("s", ErrorCode.OVERLOADED, "busy", 0));
    for (int i = 0; i < 12_345_678; i += 1_000_000) {
      stats.resultPublished();
    }
    try (Telemetry telemetry =
        Telemetry.create(
            ConfigLoader.load(Map.of("OTEL_ENABLED", "false"), 2).operations().telemetry())) {
      ServiceInstruments.register(telemetry.meter(), stats, () -> true, () -> 3);
      ServiceInstruments.registerWorkers(telemetry.meter(), () -> 4, () -> 3);
      ServiceInstruments.registerReadiness(telemetry.meter(), () -> false);
      String text = telemetry.prometheusText();

      assertTrue(text.contains("# TYPE stt_nats_reconnects_total counter\n"), text);
      assertTrue(text.contains("\nstt_nats_reconnects_total 1.0\n"), text);
      assertTrue(text.contains("\nstt_input_dropped_total 3.0\n"), text);
      assertTrue(text.contains("\nstt_nats_last_outage_seconds 0.5\n"), text);
      assertTrue(text.contains("\nstt_nats_disconnected_seconds_total 0.5\n"), text);
      assertTrue(text.contains("\nstt_nats_connected 1"), text);
      assertTrue(text.contains("\nstt_errors_total{code=\"overloaded\"} 1.0\n"), text);
      assertTrue(text.contains("\nstt_errors_total{code=\"internal_error\"} 0.0\n"), text);
      assertTrue(text.contains("\nstt_results_total 13.0\n"), text);
      assertTrue(text.contains("\nstt_inference_workers 4"), text);
      assertTrue(text.contains("\nstt_inference_busy_workers 3"), text);
      assertTrue(text.contains("\nstt_ready 0"), text);
      assertEquals(1, stats.errors(ErrorCode.OVERLOADED), "counted once, where it happened");
    }
  }

  private static OutputMessage.Transcription result(Optional<String> endReason) {
    OutputMessage.Transcription.Header header =
        new OutputMessage.Transcription.Header(
            "s", 0, 0, Optional.empty(), SessionState.LISTENING, 0, 0);
    OutputMessage.Transcription.Heard nothing =
        OutputMessage.Transcription.Heard.nothing(Optional.empty());
    return endReason
        .map(reason -> OutputMessage.Transcription.endOfStream(header, nothing, reason))
        .orElseGet(() -> OutputMessage.Transcription.utteranceFinal(header, nothing));
  }
}
