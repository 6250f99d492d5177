package ai.voice.stt.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.audio.AudioClip;
import ai.voice.stt.client.Received;
import ai.voice.stt.client.StreamClient;
import ai.voice.stt.client.StreamOptions;
import ai.voice.stt.eval.TurnRequests;
import ai.voice.stt.support.Await;
import ai.voice.stt.support.ServiceUnderTest;
import ai.voice.stt.support.TestData;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End-of-turn detection end to end (decisions/0026): a real nats-server, the real tiny.en and Smart
 * Turn models, requests spoken here by espeak-ng with a 0.8 s pause put mid-sentence, streamed in
 * real time, with 2.5 s of silence after each. Behaviour only (no timing): one final per request,
 * not two; a complete turn's final followed by its end_of_turn event; events only for a session
 * that asked.
 */
class EndOfTurnTest {
  private static final Duration RESULT_TIMEOUT = Duration.ofSeconds(60);
  private static ServiceUnderTest stt;

  @TempDir static Path speech;

  @BeforeAll
  static void startService() throws Exception {
    stt =
        new ServiceUnderTest(
            Map.of(
                "STT_TURN_DETECTION",
                "both",
                "STT_TURN_MODEL_PATH",
                TestData.turnModel().toString()));
  }

  @AfterAll
  static void stopService() {
    if (stt != null) {
      stt.close();
    }
  }

  @Test
  void aPauseAfterWordsThatNeedMoreDoesNotSplitTheSentence() throws Exception {
    for (TurnRequests.Request request :
        List.of(TurnRequests.REQUESTS.get(3), TurnRequests.REQUESTS.get(9))) {
      AudioClip clip = TurnRequests.withPause(request, 800, 2500, speech);
      List<Received> out = stream("held-" + request.hashCode(), clip, false);
      List<Received> finals = spokenFinals(out);
      assertEquals(1, finals.size(), request.sentence() + ": " + finals);
      // The one final holds words from both sides of the pause.
      String text = finals.getFirst().transcript().toLowerCase(Locale.ROOT);
      assertTrue(text.contains(longestWord(request.head())), text);
      assertTrue(text.contains(longestWord(request.tail())), text);
    }
  }

  @Test
  void aCompleteTurnEndsWithAnEndOfTurnEventNamingItsFinal() throws Exception {
    AudioClip clip = TurnRequests.sentence("What is the capital of Australia?", 2500, speech);
    List<Received> out = stream("complete", clip, true);
    List<Received> finals = spokenFinals(out);
    assertEquals(1, finals.size(), out.toString());
    List<Received> ends = out.stream().filter(r -> r.type().equals("end_of_turn")).toList();
    assertEquals(1, ends.size(), out.toString());
    assertEquals(finals.getFirst().sequence(), ends.getFirst().sequence());
    assertTrue(out.indexOf(ends.getFirst()) > out.indexOf(finals.getFirst()), out.toString());
  }

  @Test
  void aSessionThatDidNotAskSeesNoTurnEvents() throws Exception {
    AudioClip clip = TurnRequests.sentence("Yes.", 2500, speech);
    List<Received> out = stream("not-asked", clip, false);
    assertEquals(1, spokenFinals(out).size(), out.toString());
    assertFalse(
        out.stream().anyMatch(r -> r.type().equals("end_of_turn") || r.type().equals("resumed")),
        out.toString());
  }

  private static List<Received> stream(String id, AudioClip clip, boolean turnEvents)
      throws Exception {
    try (StreamClient.Session session = stt.client().listen(id, r -> {})) {
      Map<String, Object> start = new LinkedHashMap<>();
      start.put("type", "start");
      start.put("sample_rate", clip.sampleRate());
      if (turnEvents) {
        start.put("turn_events", true);
      }
      stt.client().send(id, start);
      stt.client().sendChunks(id, clip, StreamOptions.realTime(), session);
      // end only once the pause's final is out: a final that is also the session's last result
      // (end_of_stream) has no end_of_turn after it.
      Await.until(() -> !spokenFinals(session.received()).isEmpty(), RESULT_TIMEOUT, "the final");
      stt.client().send(id, Map.of("type", "end"));
      List<Received> out = session.awaitEnd(RESULT_TIMEOUT);
      assertTrue(out.stream().noneMatch(r -> r.type().equals("error")), out.toString());
      return out;
    }
  }

  private static String longestWord(String words) {
    String longest = "";
    for (String w : words.toLowerCase(Locale.ROOT).split(" ")) {
      longest = w.length() > longest.length() ? w : longest;
    }
    return longest;
  }

  private static List<Received> spokenFinals(List<Received> out) {
    return out.stream()
        .filter(r -> r.isTranscription() && r.isFinal() && !r.transcript().isBlank())
        .toList();
  }
}
