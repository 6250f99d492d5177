package ai.voice.stt.e2e;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.client.Received;
import ai.voice.stt.client.StreamClient;
import ai.voice.stt.client.StreamOptions;
import ai.voice.stt.support.ServiceUnderTest;
import ai.voice.stt.support.TestData;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code "word_timestamps": true} through the whole service with the real model and recordings:
 * each final with text carries its words, in order, inside the result's audio span on the session's
 * timeline, with confidences in [0, 1] and the result's own; a session that does not ask gets
 * today's messages, without {@code words} or {@code confidence}.
 */
class WordTimestampsTest {
  private static final Duration RESULT_TIMEOUT = Duration.ofSeconds(90);
  private static ServiceUnderTest stt;

  @BeforeAll
  static void startService() throws Exception {
    stt = new ServiceUnderTest();
  }

  @AfterAll
  static void stopService() {
    if (stt != null) {
      stt.close();
    }
  }

  @Test
  void finalsCarryTheirWordsInsideTheirAudioOnTheSessionsTimeline() throws Exception {
    List<Received> out =
        stream("words-on", StreamOptions.realTime().withSpeed(4).withWordTimestamps(true));
    List<Received> withText =
        out.stream()
            .filter(r -> r.type().equals("transcription") && !r.transcript().isEmpty())
            .toList();
    assertTrue(withText.size() >= 3, out.toString());
    for (Received r : withText) {
      System.out.println(r);
      List<Map<String, Object>> words = r.words();
      assertFalse(words.isEmpty(), r.toString());
      double start = r.number("audio_start");
      double end = r.number("audio_end");
      double previous = start;
      for (Map<String, Object> w : words) {
        double s = ((Number) w.get("start")).doubleValue();
        double e = ((Number) w.get("end")).doubleValue();
        double c = ((Number) w.get("confidence")).doubleValue();
        assertTrue(s >= previous - 1e-9 && e >= s, "out of order: " + w + " in " + r);
        assertTrue(s >= start - 1e-9 && e <= end + 1e-9, w + " outside " + start + "-" + end);
        assertTrue(c >= 0 && c <= 1, w.toString());
        previous = e;
      }
      double confidence = r.number("confidence");
      assertTrue(confidence > 0 && confidence <= 1, r.toString());
      double speechStart = r.number("speech_start");
      double speechEnd = r.number("speech_end");
      assertTrue(start <= speechStart && speechStart < speechEnd && speechEnd <= end, r.toString());
    }
  }

  @Test
  void interimsCarryTheirWordsInsideTheirAudio() throws Exception {
    List<Received> out =
        stream(
            "words-interims",
            StreamOptions.realTime()
                .withSpeed(1)
                .withInterimResults(true)
                .withWordTimestamps(true));
    List<Received> interims = out.stream().filter(r -> r.type().equals("interim")).toList();
    assertFalse(interims.isEmpty(), out.toString());
    for (Received r : interims) {
      assertTrue(r.fields().containsKey("words"), r.toString());
      if (!r.transcript().isEmpty()) {
        assertFalse(r.words().isEmpty(), r.toString());
        double confidence = r.number("confidence");
        assertTrue(confidence > 0 && confidence <= 1, r.toString());
      }
      inOrderInside(r);
    }
  }

  @Test
  void interimsOfASessionThatDoesNotAskForWordsHaveNone() throws Exception {
    List<Received> out =
        stream("interims-only", StreamOptions.realTime().withSpeed(1).withInterimResults(true));
    assertTrue(out.stream().anyMatch(r -> r.type().equals("interim")), out.toString());
    for (Received r : out) {
      assertFalse(r.fields().containsKey("words"), r.toString());
      assertFalse(r.fields().containsKey("confidence"), r.toString());
      assertFalse(r.fields().containsKey("speech_start"), r.toString());
    }
  }

  /** Words in order, each inside the message's audio, with a confidence in [0, 1]. */
  private static void inOrderInside(Received r) {
    double start = r.number("audio_start");
    double end = r.number("audio_end");
    double previous = start;
    for (Map<String, Object> w : r.words()) {
      double s = ((Number) w.get("start")).doubleValue();
      double e = ((Number) w.get("end")).doubleValue();
      double c = ((Number) w.get("confidence")).doubleValue();
      assertTrue(s >= previous - 1e-9 && e >= s, "out of order: " + w + " in " + r);
      assertTrue(s >= start - 1e-9 && e <= end + 1e-9, w + " outside " + start + "-" + end);
      assertTrue(c >= 0 && c <= 1, w.toString());
      previous = e;
    }
  }

  @Test
  void aSessionThatDoesNotAskSeesNoWords() throws Exception {
    List<Received> out = stream("words-off", StreamOptions.realTime().withSpeed(4));
    assertTrue(out.stream().anyMatch(r -> !r.transcript().isEmpty()), out.toString());
    for (Received r : out) {
      assertFalse(r.fields().containsKey("words"), r.toString());
      assertFalse(r.fields().containsKey("confidence"), r.toString());
      assertFalse(r.fields().containsKey("speech_start"), r.toString());
    }
  }

  private static List<Received> stream(String id, StreamOptions options) throws Exception {
    try (StreamClient.Session session = stt.client().listen(id, r -> {})) {
      stt.client().stream(id, TestData.stream("multi_utterance").clip(), options, session);
      List<Received> out = session.awaitEnd(RESULT_TIMEOUT);
      assertTrue(out.stream().noneMatch(r -> r.type().equals("error")), out.toString());
      return out;
    }
  }
}
