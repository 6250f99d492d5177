package ai.voice.stt.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.audio.AudioClip;
import ai.voice.stt.client.Received;
import ai.voice.stt.client.ServerRoundTrip;
import ai.voice.stt.client.StreamClient;
import ai.voice.stt.client.StreamOptions;
import ai.voice.stt.config.ConfigLoader;
import ai.voice.stt.config.SttConfig;
import ai.voice.stt.eval.Corpus;
import ai.voice.stt.eval.WordErrorRate;
import ai.voice.stt.service.SttService;
import ai.voice.stt.support.Await;
import ai.voice.stt.support.Clips;
import ai.voice.stt.support.ConnectionEvents;
import ai.voice.stt.support.GatedRecognizer;
import ai.voice.stt.support.IngressBarrier;
import ai.voice.stt.support.LogCapture;
import ai.voice.stt.support.MetricsText;
import ai.voice.stt.support.NatsProcess;
import ai.voice.stt.support.TcpRelay;
import ai.voice.stt.support.TestData;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.ErrorListener;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * NATS dies under streaming sessions and comes back on the same port: the service reconnects, its
 * sessions continue where they were, everything it had accepted before the crash is transcribed and
 * delivered, and it reports the outage in its log and on {@code /metrics}.
 *
 * <p>The service reaches NATS through a {@link TcpRelay} that stays shut after the restart until
 * the test's client has resubscribed: core NATS delivers only to subscriptions present when a
 * message arrives, so without the gate the test would measure which of two clients reconnected
 * first instead of whether the service lost anything.
 */
class NatsRestartTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final double LEADING_SILENCE = 0.3;
  private static final StreamOptions PACE = StreamOptions.realTime().withSpeed(2);

  /** One caller: three utterances, the first two before the crash, the third after. */
  record Caller(String id, List<Corpus.Recording> utterances) {}

  @Test
  void sessionsSurviveANatsServerRestartAndNoAcceptedAudioIsLost() throws Exception {
    List<Caller> callers =
        List.of(
            new Caller("restart-a", recordings("austen_0880", "austen_0930", "goforward")),
            new Caller("restart-b", recordings("cards_001", "cards_003", "austen_0880")));
    int healthPort = NatsProcess.freePort();
    try (NatsProcess nats = NatsProcess.start();
        TcpRelay relay = new TcpRelay(nats.port());
        LogCapture log = new LogCapture()) {
      SttConfig config =
          ConfigLoader.load(
              Map.of(
                  "NATS_URL",
                  relay.url(),
                  "STT_MODEL_PATH",
                  TestData.model().toString(),
                  "STT_INFERENCE_WORKERS",
                  "2",
                  // The test counts recognitions as utterances (gate shut, two waiting): a
                  // speculative run at a short pause inside a recording would be one more.
                  "STT_SPECULATIVE",
                  "false",
                  "OTEL_ENABLED",
                  "false",
                  "STT_HEALTH_PORT",
                  Integer.toString(healthPort)),
              Runtime.getRuntime().availableProcessors());
      GatedRecognizer recognizer = GatedRecognizer.around(config);
      SttService service = SttService.start(config, recognizer);
      ConnectionEvents clientEvents = new ConnectionEvents();
      Connection connection =
          Nats.connect(
              Options.builder()
                  .server(nats.url())
                  .maxReconnects(-1)
                  .reconnectWait(Duration.ofMillis(50))
                  .connectionListener(clientEvents)
                  .errorListener(new ErrorListener() {}) // quiet: the refusals are expected
                  .build());
      try {
        service.awaitSubscribed(Duration.ofSeconds(5));
        StreamClient client =
            new StreamClient(connection, "ai.voice.stream", "ai.voice.transcription");
        List<StreamClient.Session> sessions = new ArrayList<>();
        for (Caller c : callers) {
          sessions.add(client.listen(c.id(), r -> {}));
          client.send(c.id(), Map.of("type", "start"));
        }

        // Before the crash: a first utterance each, transcribed and delivered.
        speakConcurrently(client, callers, sessions, 0);
        Await.until(() -> recognizer.completed() == 2, WAIT, "first utterances recognised");
        // A second utterance each, accepted and at the recognizer when NATS dies.
        recognizer.shut();
        speakConcurrently(client, callers, sessions, 1);
        IngressBarrier.await(client, "restart-barrier");
        recognizer.awaitWaiting(2, WAIT);

        relay.shut();
        nats.kill();
        Await.until(
            () -> service.stats().natsDisconnects() == 1, WAIT, "service saw the disconnect");
        // Recognition finishes during the outage: these results can only go to the buffer.
        long publishedBefore = service.stats().resultsPublished();
        recognizer.open();
        Await.until(
            () -> service.stats().resultsPublished() == publishedBefore + 2,
            WAIT,
            "second utterances published while disconnected");
        assertEquals(1, service.stats().natsDisconnects() - service.stats().natsReconnects());

        nats.restart();
        clientEvents.await(ConnectionListener.Events.RECONNECTED, WAIT);
        ServerRoundTrip.await(connection, WAIT); // the server has the client's subscriptions
        relay.open();
        Await.until(() -> service.stats().natsReconnects() == 1, WAIT, "service reconnected");

        // After the restart: the sessions go on with a third utterance and end.
        speakConcurrently(client, callers, sessions, 2);
        for (int i = 0; i < callers.size(); i++) {
          client.send(callers.get(i).id(), Map.of("type", "end"));
        }
        for (int i = 0; i < callers.size(); i++) {
          List<Received> out = sessions.get(i).awaitEnd(WAIT);
          assertEveryUtteranceTranscribed(callers.get(i), out);
        }

        double outage = service.stats().natsLastOutage().toNanos() / 1e9;
        System.out.printf(
            "NATS outage as the service measured it: %.3f s (disconnects %d, reconnects %d)%n",
            outage, service.stats().natsDisconnects(), service.stats().natsReconnects());
        assertTrue(outage > 0, "outage length recorded");
        assertTrue(
            log.lines().stream()
                .anyMatch(l -> l.startsWith("WARN") && l.contains("NATS reconnected after")),
            "the reconnection and its outage are logged: " + log.lines());
        String metrics = MetricsText.scrape(healthPort);
        // The exposition writes counters as floats ("1.0"); either form is a 1 to Prometheus.
        assertTrue(metrics.matches("(?s).*\nstt_nats_reconnects_total 1(\\.0)?\n.*"), metrics);
        assertTrue(metrics.matches("(?s).*\nstt_nats_disconnects_total 1(\\.0)?\n.*"), metrics);
        assertTrue(metrics.matches("(?s).*\nstt_nats_connected 1(\\.0)?\n.*"), metrics);
        assertTrue(metrics.contains("\nstt_nats_disconnected_seconds_total "), metrics);
        sessions.forEach(StreamClient.Session::close);
      } finally {
        connection.close();
        service.close();
      }
    }
  }

  private static List<Corpus.Recording> recordings(String... names) {
    return List.of(names).stream().map(TestData::recording).toList();
  }

  /** Speech with a little silence before and enough after for the end-point (600 ms). */
  private static AudioClip utterance(Corpus.Recording recording) {
    return Clips.padded(recording.clip(), LEADING_SILENCE, 1.2);
  }

  private static void speakConcurrently(
      StreamClient client, List<Caller> callers, List<StreamClient.Session> sessions, int index)
      throws Exception {
    List<CompletableFuture<Void>> speaking = new ArrayList<>();
    for (int i = 0; i < callers.size(); i++) {
      Caller c = callers.get(i);
      StreamClient.Session s = sessions.get(i);
      speaking.add(
          CompletableFuture.runAsync(
              () -> client.sendChunks(c.id(), utterance(c.utterances().get(index)), PACE, s)));
    }
    CompletableFuture.allOf(speaking.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
  }

  private static void assertEveryUtteranceTranscribed(Caller caller, List<Received> out) {
    assertTrue(out.stream().noneMatch(r -> r.type().equals("error")), out.toString());
    List<Received> results = out.stream().filter(Received::isTranscription).toList();
    for (int seq = 0; seq < results.size(); seq++) {
      assertEquals(seq, results.get(seq).sequence(), caller.id() + ": gapless " + results);
    }
    assertTrue(results.getLast().endOfStream());
    assertEquals("end", results.getLast().string("end_reason"));
    double start = 0;
    for (Corpus.Recording r : caller.utterances()) {
      // the recording's own span in the session's timeline (the padding is silence)
      double speechFrom = start + LEADING_SILENCE;
      double speechTo = speechFrom + r.clip().seconds();
      String heard =
          String.join(
              " ",
              results.stream()
                  .filter(x -> !x.transcript().isBlank())
                  .filter(x -> x.number("audio_start") < speechTo)
                  .filter(x -> x.number("audio_end") > speechFrom)
                  .map(Received::transcript)
                  .toList());
      double wer = WordErrorRate.rate(r.reference(), heard);
      System.out.printf("%s %-12s WER %5.1f%% \"%s\"%n", caller.id(), r.name(), 100 * wer, heard);
      assertTrue(wer < 0.5, caller.id() + " lost or garbled " + r.name() + ": \"" + heard + "\"");
      start += utterance(r).seconds();
    }
  }
}
