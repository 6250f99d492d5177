package ai.voice.stt.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.audio.AudioClip;
import ai.voice.stt.client.Received;
import ai.voice.stt.client.StreamClient;
import ai.voice.stt.client.StreamOptions;
import ai.voice.stt.config.ConfigLoader;
import ai.voice.stt.config.SttConfig;
import ai.voice.stt.eval.WordErrorRate;
import ai.voice.stt.recognizer.LocalWhisperRecognizer;
import ai.voice.stt.service.SttService;
import ai.voice.stt.support.Clips;
import ai.voice.stt.support.HangingRecognizer;
import ai.voice.stt.support.NatsProcess;
import ai.voice.stt.support.TestData;
import io.nats.client.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A recognition that hangs (a fault-injected recognizer around the real model, in the real service
 * on a real nats-server) fails its utterance with one {@code recognition_timeout} naming its audio;
 * the session goes on, transcribes what follows and ends with its end_of_stream. The stuck worker
 * is replaced: the pod stays ready with one stuck, and reports unready once as many are stuck as
 * there are workers; {@code /metrics} counts them.
 */
class HungRecognitionTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static final Pattern LOST_AUDIO =
      Pattern.compile("audio (\\d+\\.\\d+)-(\\d+\\.\\d+) s was not transcribed");
  private static final Pattern STUCK =
      Pattern.compile("(?m)^stt_recognizer_stuck_workers(?:\\{[^}]*\\})? (\\S+)$");
  private static final StreamOptions FAST = StreamOptions.realTime().withSpeed(4);

  @Test
  void aHungRecognitionFailsItsUtteranceAndTheStuckWorkerIsReplacedUpToTheLimit() throws Exception {
    try (NatsProcess nats = NatsProcess.start()) {
      SttConfig config =
          ConfigLoader.load(
              Map.of(
                  "NATS_URL", nats.url(),
                  "STT_MODEL_PATH", TestData.model().toString(),
                  "OTEL_ENABLED", "false",
                  "STT_INFERENCE_WORKERS", "2",
                  "STT_WHISPER_THREADS", "1",
                  // One call per utterance, so the calls to hang are the utterances to hang.
                  "STT_SPECULATIVE", "false",
                  // Far above what tiny.en takes for these utterances on a busy machine.
                  "STT_RECOGNITION_TIMEOUT_BASE", "5",
                  "STT_RECOGNITION_TIMEOUT_FACTOR", "2"),
              Runtime.getRuntime().availableProcessors());
      SttConfig.Recognition r = config.recognition();
      HangingRecognizer recognizer =
          new HangingRecognizer(
              new LocalWhisperRecognizer(
                  r.modelPath(), r.workers(), r.threadsPerWorker(), r.audioContext()),
              Set.of(2, 4));
      Connection connection = nats.connect();
      try (SttService service = SttService.start(config, recognizer)) {
        service.awaitSubscribed(Duration.ofSeconds(5));
        StreamClient client =
            new StreamClient(connection, config.nats().inputPrefix(), config.nats().outputPrefix());

        AudioClip first = utterance("goforward");
        AudioClip hung = utterance("cards_001");
        AudioClip third = utterance("austen_0930");
        List<Received> out = stream(client, "one", first, hung, third);
        System.out.println("one: " + out);
        Received error = onlyError(out);
        assertEquals("recognition_timeout", error.code());
        Matcher range = LOST_AUDIO.matcher(error.string("message"));
        assertTrue(range.find(), error.toString());
        double hungStart = first.seconds();
        double hungEnd = first.seconds() + hung.seconds();
        assertTrue(
            Double.parseDouble(range.group(1)) >= hungStart - 0.5
                && Double.parseDouble(range.group(2)) <= hungEnd + 1e-6,
            "the error names the hung utterance's audio: " + error);
        assertHeard(List.of("goforward", "austen_0930"), StreamClient.joinTranscripts(out));
        assertTrue(service.isReady(), "one stuck worker of two: replaced, still ready");
        assertEquals(1.0, stuckWorkers(service));

        List<Received> again = stream(client, "two", utterance("cards_002"));
        System.out.println("two: " + again);
        assertEquals("recognition_timeout", onlyError(again).code());
        assertFalse(service.isReady(), "as many stuck workers as workers: unready");
        assertEquals(2.0, stuckWorkers(service));
      } finally {
        recognizer.release();
        connection.close();
      }
    }
  }

  /** Streams the clips one after another in one session and collects it to its end. */
  private static List<Received> stream(StreamClient client, String id, AudioClip... clips)
      throws Exception {
    try (StreamClient.Session session = client.listen(id, m -> {})) {
      client.send(id, Map.of("type", "start", "sample_rate", 16_000));
      for (AudioClip clip : clips) {
        client.sendChunks(id, clip, FAST, session);
      }
      client.send(id, Map.of("type", "end"));
      return session.awaitEnd(TIMEOUT);
    }
  }

  private static double stuckWorkers(SttService service) {
    Matcher m = STUCK.matcher(service.metricsText());
    assertTrue(m.find(), "stt_recognizer_stuck_workers on /metrics");
    return Double.parseDouble(m.group(1));
  }

  /** A recording with silence around it, so the end-pointer closes it as one utterance. */
  private static AudioClip utterance(String name) {
    return Clips.padded(TestData.recording(name).clip(), 0.3, 1.2);
  }

  /** The recordings' words, in order, with few errors. */
  private static void assertHeard(List<String> recordings, String text) {
    String reference =
        String.join(" ", recordings.stream().map(n -> TestData.recording(n).reference()).toList());
    assertTrue(WordErrorRate.rate(reference, text) <= 0.35, recordings + ": \"" + text + "\"");
  }

  private static Received onlyError(List<Received> out) {
    List<Received> errors = out.stream().filter(r -> r.type().equals("error")).toList();
    assertEquals(1, errors.size(), out.toString());
    assertTrue(out.getLast().endOfStream(), out.toString());
    assertEquals(1, out.stream().filter(Received::endOfStream).count(), "one end_of_stream");
    return errors.getFirst();
  }
}
