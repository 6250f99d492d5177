package ai.voice.stt.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.client.Received;
import ai.voice.stt.client.StreamClient;
import ai.voice.stt.client.StreamOptions;
import ai.voice.stt.eval.Corpus;
import ai.voice.stt.eval.WordErrorRate;
import ai.voice.stt.support.ServiceUnderTest;
import ai.voice.stt.support.TestData;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Interim results with nothing mocked: a real nats-server, the service with tiny.en and a 7 s
 * recording of continuous speech streamed at real-time pace by a session that asks for them, and
 * the same recording by a session of the original contract at the same time.
 */
class InterimResultsTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
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
  void aSessionThatAsksSeesItsWordsWhileSpeakingWithStablePrefixesNeverRewritten()
      throws Exception {
    Corpus.Recording recording = TestData.recording("austen_0870"); // 7.1 s, speech throughout
    CompletableFuture<List<Received>> legacy =
        CompletableFuture.supplyAsync(() -> stream("legacy", recording, false));
    List<Received> out = stream("interim", recording, true);

    List<Received> interims = out.stream().filter(r -> r.type().equals("interim")).toList();
    System.out.println("interims: " + interims);
    assertTrue(interims.size() >= 2, "interims while speaking: " + out);
    Map<Long, String> stable = new HashMap<>();
    Map<Long, Long> revision = new HashMap<>();
    for (Received i : interims) {
      long utterance = (long) i.number("utterance_id");
      String before = stable.getOrDefault(utterance, "");
      assertTrue(i.string("stable").startsWith(before), "stable prefix rewritten: " + interims);
      stable.put(utterance, i.string("stable"));
      long r = (long) i.number("revision");
      assertEquals(revision.getOrDefault(utterance, -1L) + 1, r, "revisions count up");
      revision.put(utterance, r);
      assertFalse(i.fields().containsKey("sequence"), "interims are not in the result stream");
    }
    assertTrue(stable.values().stream().anyMatch(s -> !s.isBlank()), "some words became stable");

    List<Received> results = out.stream().filter(Received::isTranscription).toList();
    for (int k = 0; k < results.size(); k++) {
      assertEquals(k, results.get(k).sequence(), "results stay gapless: " + results);
    }
    List<Received> spoken = results.stream().filter(r -> !r.transcript().isBlank()).toList();
    assertTrue(
        spoken.stream().allMatch(r -> r.fields().containsKey("utterance_id")),
        "each result names the utterance whose interims it replaces");
    assertTrue(
        stable.keySet().stream()
            .allMatch(u -> spoken.stream().anyMatch(r -> (long) r.number("utterance_id") == u)),
        "every utterance with interims gets its result: " + results);
    double wer = WordErrorRate.rate(recording.reference(), StreamClient.joinTranscripts(out));
    assertTrue(wer < 0.25, "finals stay accurate: " + wer);

    List<Received> original = legacy.get();
    assertTrue(original.stream().noneMatch(r -> r.type().equals("interim")), original.toString());
    assertTrue(
        original.stream().noneMatch(r -> r.fields().containsKey("utterance_id")),
        "a client of the original contract sees no new fields");
    assertEquals(
        StreamClient.joinTranscripts(original).isBlank(), false, "and still gets its transcript");
  }

  private static List<Received> stream(String id, Corpus.Recording recording, boolean interim) {
    try (StreamClient.Session s = stt.client().listen(id, r -> {})) {
      stt.client().stream(
          id, recording.clip(), StreamOptions.realTime().withInterimResults(interim), s);
      return s.awaitEnd(WAIT);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
