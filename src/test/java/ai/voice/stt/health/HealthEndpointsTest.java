package ai.voice.stt.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.client.Received;
import ai.voice.stt.client.StreamClient;
import ai.voice.stt.client.StreamOptions;
import ai.voice.stt.config.ConfigLoader;
import ai.voice.stt.config.SttConfig;
import ai.voice.stt.service.SttService;
import ai.voice.stt.support.Await;
import ai.voice.stt.support.NatsProcess;
import ai.voice.stt.support.ServiceUnderTest;
import ai.voice.stt.support.TestData;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The HTTP side a Kubernetes probe and a Prometheus scraper see, against the real service. */
class HealthEndpointsTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void metricsPageIsValidPrometheusTextWithTheServiceMetricsWhileASessionStreams()
      throws Exception {
    int port = NatsProcess.freePort();
    try (ServiceUnderTest stt = new ServiceUnderTest(Map.of("STT_HEALTH_PORT", "" + port))) {
      String id = "scraped-1";
      try (StreamClient.Session session = stt.client().listen(id, r -> {})) {
        CompletableFuture<Void> streaming =
            CompletableFuture.runAsync(
                () ->
                    stt.client().stream(
                        id,
                        TestData.recording("goforward").clip(),
                        StreamOptions.realTime().withSpeed(2),
                        session));
        Await.until(
            () -> scrape(port).value("stt_sessions_active", Map.of()) >= 1,
            WAIT,
            "the streaming session on /metrics");
        streaming.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        List<Received> out = session.awaitEnd(WAIT);
        assertTrue(out.stream().anyMatch(r -> !r.transcript().isBlank()), out.toString());
      }

      PrometheusScrape page = scrape(port);
      for (String histogram :
          List.of(
              "stt_final_latency_seconds",
              "stt_inference_duration_seconds",
              "stt_realtime_factor")) {
        assertEquals("histogram", page.types().get(histogram), histogram);
        double count = page.value(histogram + "_count", Map.of());
        assertTrue(count >= 1, histogram + " count " + count);
        assertEquals(count, page.value(histogram + "_bucket", Map.of("le", "+Inf")), histogram);
        assertTrue(page.value(histogram + "_sum", Map.of()) > 0, histogram);
      }
      assertEquals("counter", page.types().get("stt_audio_input_seconds_total"));
      assertTrue(page.value("stt_audio_input_seconds_total", Map.of()) > 1);
      assertEquals(0, page.value("stt_errors_total", Map.of("code", "overloaded")));
      assertEquals(0, page.value("stt_interrupts_total", Map.of()));
      assertEquals("gauge", page.types().get("stt_sessions_active"));
      assertEquals(0, page.value("stt_inference_queue_depth", Map.of()));
      assertTrue(page.value("stt_results_total", Map.of()) >= 1);
      assertEquals(0, page.value("stt_input_dropped_total", Map.of()), "nothing dropped unseen");
      assertEquals(1, page.value("stt_nats_connected", Map.of()));
      assertEquals(1, page.value("stt_ready", Map.of()), "ready, as /readyz says");
      assertEquals(200, status(port, "/readyz"));
      assertTrue(page.value("stt_inference_workers", Map.of()) >= 1);
      double workers = page.value("stt_inference_workers", Map.of());
      double busy = page.value("stt_inference_busy_workers", Map.of());
      assertTrue(busy >= 0 && busy <= workers, busy + " of " + workers + " workers busy");
      // A speculative or interim run may still be finishing after the session's last result.
      Await.until(
          () -> scrape(port).value("stt_inference_busy_workers", Map.of()) == 0,
          WAIT,
          "every worker free again on /metrics");
    }
  }

  /**
   * The backlog gauges are what an operator sees of utterances waiting inside sessions (the shared
   * queue holds one per session). With the one worker held at the gate and a recording of four
   * utterances sent at once, the later ones wait in the session: /metrics shows them and their
   * audio, and both gauges fall back to 0 once the worker is let go.
   */
  @Test
  void metricsPageShowsTheBacklogWhileASessionsUtterancesWait() throws Exception {
    int port = NatsProcess.freePort();
    Map<String, String> env =
        Map.of(
            "STT_HEALTH_PORT", "" + port,
            "STT_INFERENCE_WORKERS", "1",
            // Every utterance goes to the worker as a final, none as a speculative run that the
            // test would have to tell apart.
            "STT_SPECULATIVE", "false");
    try (ServiceUnderTest stt = ServiceUnderTest.gated(env)) {
      String id = "backlogged";
      stt.gate().shut();
      try (StreamClient.Session session = stt.client().listen(id, r -> {})) {
        stt.client().stream(
            id,
            TestData.stream("multi_utterance").clip(),
            StreamOptions.realTime().withSpeed(0),
            session);
        stt.gate().awaitWaiting(1, WAIT);
        Await.until(
            () -> scrape(port).value("stt_backlog_utterances", Map.of()) >= 1,
            WAIT,
            () ->
                "utterances waiting on /metrics: " + scrape(port).named("stt_backlog_utterances"));
        PrometheusScrape held = scrape(port);
        assertEquals("gauge", held.types().get("stt_backlog_utterances"));
        assertEquals("gauge", held.types().get("stt_backlog_audio_seconds"));
        double audio = held.value("stt_backlog_audio_seconds", Map.of());
        assertTrue(audio > 1, "seconds of audio waiting: " + audio);
        assertEquals(0, held.value("stt_inference_queue_depth", Map.of()), "all in the session");
        assertEquals(1, held.value("stt_inference_workers", Map.of()));
        assertEquals(1, held.value("stt_inference_busy_workers", Map.of()), "held at the gate");

        stt.gate().open();
        List<Received> out = session.awaitEnd(WAIT);
        assertTrue(out.stream().filter(r -> !r.transcript().isBlank()).count() >= 2, "" + out);
      }
      Await.until(
          () ->
              scrape(port).value("stt_backlog_utterances", Map.of()) == 0
                  && scrape(port).value("stt_backlog_audio_seconds", Map.of()) == 0,
          WAIT,
          "the backlog drained on /metrics");
      Await.until(
          () -> scrape(port).value("stt_inference_busy_workers", Map.of()) == 0,
          WAIT,
          "the worker free again on /metrics");
    }
  }

  @Test
  void readinessFollowsTheNatsConnectionWhileLivenessStaysUp() throws Exception {
    int port = NatsProcess.freePort();
    try (NatsProcess nats = NatsProcess.start()) {
      SttConfig config =
          ConfigLoader.load(
              Map.of(
                  "NATS_URL", nats.url(),
                  "STT_MODEL_PATH", TestData.model().toString(),
                  "STT_HEALTH_PORT", Integer.toString(port),
                  "OTEL_ENABLED", "false"),
              Runtime.getRuntime().availableProcessors());
      try (SttService service = SttService.start(config)) {
        assertTrue(service.isReady());
        assertEquals(200, status(port, "/readyz"));

        nats.kill();
        Await.until(() -> status(port, "/readyz") == 503, WAIT, "/readyz 503 without NATS");
        assertEquals(200, status(port, "/healthz"), "alive without NATS");
        assertEquals(0, scrape(port).value("stt_ready", Map.of()), "unready on /metrics too");

        nats.restart();
        Await.until(() -> status(port, "/readyz") == 200, WAIT, "/readyz 200 after reconnecting");
        assertEquals(1, scrape(port).value("stt_ready", Map.of()));
      }
    }
  }

  private PrometheusScrape scrape(int port) {
    return PrometheusScrape.parse(get(port, "/metrics").body());
  }

  private int status(int port, String path) {
    return get(port, path).statusCode();
  }

  private HttpResponse<String> get(int port, String path) {
    try {
      return http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
