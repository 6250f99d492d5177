package ai.voice.stt.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.audio.AudioClip;
import ai.voice.stt.client.Received;
import ai.voice.stt.client.StreamClient;
import ai.voice.stt.client.StreamOptions;
import ai.voice.stt.eval.Corpus;
import ai.voice.stt.eval.WordErrorRate;
import ai.voice.stt.support.Clips;
import ai.voice.stt.support.ServiceUnderTest;
import ai.voice.stt.support.TestData;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Barge-in over a real nats-server: the assistant is responding, the user speaks (a real recording
 * after a second of silence, streamed at real-time pace in 20 ms chunks).
 */
class InterruptDetectionTest {
  private static final double LEADING_SILENCE = 1.0;
  private static ServiceUnderTest stt;

  @BeforeAll
  static void startService() throws Exception {
    stt = new ServiceUnderTest();
  }

  @AfterAll
  static void stopService() {
    stt.close();
  }

  @Test
  void speechWhileRespondingPublishesExactlyOneInterruptThenTranscribesThatSpeech()
      throws Exception {
    Corpus.Recording recording = TestData.recording("austen_0930");
    AudioClip clip = Clips.padded(recording.clip(), LEADING_SILENCE, 1.5);
    double onset = Clips.speechOnsetSeconds(clip);
    try (StreamClient.Session session = stt.client().listen("barge-in", r -> {})) {
      long started = System.nanoTime();
      stt.client().stream(
          "barge-in", clip, StreamOptions.realTime().withState("responding"), session);
      List<Received> out = session.awaitEnd(Duration.ofSeconds(60));

      List<Received> interrupts = out.stream().filter(r -> r.type().equals("interrupt")).toList();
      assertEquals(1, interrupts.size(), out.toString());
      Received interrupt = interrupts.getFirst();
      double delay = (interrupt.arrivedNanos() - started) / 1e9 - onset;
      System.out.printf(
          "interrupt delay after speech onset (%.2f s into the stream): %.0f ms%n",
          onset, delay * 1000);

      Received speech =
          out.stream().filter(r -> !r.transcript().isBlank()).findFirst().orElseThrow();
      assertTrue(out.indexOf(interrupt) < out.indexOf(speech), "interrupt precedes the transcript");
      assertEquals("listening", speech.string("state"), "the session switched to listening");
      double wer = WordErrorRate.rate(recording.reference(), speech.transcript());
      assertTrue(wer < 0.3, "the speech that interrupted is transcribed: " + speech.transcript());
    }
  }

  @Test
  void speechWhileListeningPublishesNoInterrupt() throws Exception {
    AudioClip clip = Clips.padded(TestData.recording("goforward").clip(), 0.5, 1.0);
    try (StreamClient.Session session = stt.client().listen("no-barge-in", r -> {})) {
      stt.client().stream("no-barge-in", clip, StreamOptions.realTime().withSpeed(4), session);
      List<Received> out = session.awaitEnd(Duration.ofSeconds(60));
      assertTrue(out.stream().noneMatch(r -> r.type().equals("interrupt")), out.toString());
      assertTrue(StreamClient.joinTranscripts(out).toLowerCase().contains("forward"));
    }
  }

  @Test
  void stateChangeToRespondingArmsTheInterruptForTheNextSpeech() throws Exception {
    AudioClip silence = Clips.padded(new AudioClip(new byte[0], 16_000, 1), 0.5, 0);
    AudioClip speech = Clips.padded(TestData.recording("cards_005").clip(), 0.3, 1.0);
    StreamOptions options = StreamOptions.realTime().withSpeed(2);
    try (StreamClient.Session session = stt.client().listen("state-change", r -> {})) {
      stt.client().send("state-change", Map.of("type", "start"));
      stt.client().sendChunks("state-change", silence, options, session);
      stt.client().send("state-change", Map.of("type", "state_change", "state", "responding"));
      stt.client().sendChunks("state-change", speech, options, session);
      stt.client().send("state-change", Map.of("type", "end"));
      List<Received> out = session.awaitEnd(Duration.ofSeconds(60));
      assertEquals(
          1, out.stream().filter(r -> r.type().equals("interrupt")).count(), out.toString());
    }
  }
}
