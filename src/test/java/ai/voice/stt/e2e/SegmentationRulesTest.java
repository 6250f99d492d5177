package ai.voice.stt.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.client.Received;
import ai.voice.stt.client.StreamClient;
import ai.voice.stt.client.StreamOptions;
import ai.voice.stt.eval.Corpus;
import ai.voice.stt.eval.WordErrorRate;
import ai.voice.stt.support.Await;
import ai.voice.stt.support.ServiceUnderTest;
import ai.voice.stt.support.TestData;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The buffer limit, chunk timeout and idle expiry over a real nats-server, with limits set low
 * through the same environment variables operators use: a 2 s buffer (64,000 bytes of 16-bit
 * audio), a 1 s chunk timeout and a 3 s idle timeout.
 */
class SegmentationRulesTest {
  private static ServiceUnderTest stt;

  @BeforeAll
  static void startService() throws Exception {
    stt =
        new ServiceUnderTest(
            Map.of(
                "STT_BUFFER_SIZE_BYTES", "64000",
                "STT_CHUNK_TIMEOUT", "1.0",
                "STT_SESSION_IDLE_TIMEOUT", "3"));
  }

  @AfterAll
  static void stopService() {
    stt.close();
  }

  @Test
  void aLongUtteranceIsCutIntoPartialsByTheBufferLimitAndNothingIsLost() throws Exception {
    Corpus.Recording recording = TestData.recording("austen_0870"); // 7.1 s of speech
    try (StreamClient.Session s = stt.client().listen("long", r -> {})) {
      stt.client().stream("long", recording.clip(), StreamOptions.realTime().withSpeed(4), s);
      List<Received> out = s.awaitEnd(Duration.ofSeconds(60));
      List<Received> partials = out.stream().filter(Received::isPartial).toList();
      assertTrue(partials.size() >= 2, out.toString());
      assertTrue(partials.stream().noneMatch(Received::isFinal));
      String text = StreamClient.joinTranscripts(out);
      double wer = WordErrorRate.rate(recording.reference(), text);
      System.out.printf(
          "buffer-limited partials: %d, WER %.1f%% \"%s\"%n", partials.size(), 100 * wer, text);
      // Cutting mid-word costs a word or two at each of the cuts; more means audio went missing.
      assertTrue(wer < 0.35, text);
    }
  }

  @Test
  void audioStoppingMidUtteranceIsFinalisedByTheChunkTimeoutBeforeEnd() throws Exception {
    BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    try (StreamClient.Session s = stt.client().listen("stalled", received::add)) {
      stt.client().send("stalled", Map.of("type", "start"));
      // the recording ends right after the last word: no end-pointing silence follows
      stt.client()
          .sendChunks(
              "stalled", TestData.recording("cards_001").clip(), StreamOptions.realTime(), s);
      Received result = received.poll(30, TimeUnit.SECONDS);
      assertTrue(result != null, "chunk timeout produced no result");
      assertTrue(result.isFinal(), result.toString());
      assertFalse(result.endOfStream(), "the session stays open");
      assertTrue(result.transcript().toLowerCase().contains("clubs"), result.toString());
      stt.client().send("stalled", Map.of("type", "end"));
      assertTrue(s.awaitEnd(Duration.ofSeconds(10)).getLast().endOfStream());
    }
  }

  @Test
  void anAbandonedSessionExpiresWithAnEndOfStreamResultGivingTheReason() throws Exception {
    try (StreamClient.Session s = stt.client().listen("abandoned", r -> {})) {
      stt.client().send("abandoned", Map.of("type", "start", "speaker_id", "gone"));
      List<Received> out = s.awaitEnd(Duration.ofSeconds(20));
      Received last = out.getLast();
      assertTrue(last.endOfStream());
      assertEquals("idle_timeout", last.string("end_reason"));
      assertEquals("gone", last.string("speaker_id"));
    }
    // The last result is published before the session leaves the registry: wait for it to.
    Await.until(
        () -> stt.service().activeSessions() == 0,
        Duration.ofSeconds(10),
        "the ended session is freed");
  }
}
