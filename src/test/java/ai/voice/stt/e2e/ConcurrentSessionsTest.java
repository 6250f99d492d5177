package ai.voice.stt.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.audio.AudioClip;
import ai.voice.stt.client.Received;
import ai.voice.stt.client.StreamClient;
import ai.voice.stt.client.StreamOptions;
import ai.voice.stt.eval.Corpus;
import ai.voice.stt.eval.WordErrorRate;
import ai.voice.stt.support.ServiceUnderTest;
import ai.voice.stt.support.TestData;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Sixteen sessions at once, each a different real recording, all at real-time pace. */
class ConcurrentSessionsTest {
  private static final double MAX_SESSION_WER = 0.35;
  private static ServiceUnderTest stt;

  @BeforeAll
  static void startService() throws Exception {
    stt = new ServiceUnderTest();
  }

  @AfterAll
  static void stopService() {
    stt.close();
  }

  record Case(String id, AudioClip clip, String reference) {}

  @Test
  void sixteenConcurrentSessionsEachGetTheirOwnCompleteTranscript() throws Exception {
    List<Case> cases = new ArrayList<>();
    for (Corpus.Recording r : TestData.corpus()) {
      cases.add(new Case("conc-" + r.name(), r.clip(), r.reference()));
    }
    for (String name : List.of("multi_utterance", "multi_utterance_2")) {
      TestData.Stream s = TestData.stream(name);
      cases.add(new Case("conc-" + name, s.clip(), s.reference()));
    }
    String austen = TestData.recording("austen_0870").reference();
    cases.add(new Case("conc-48k", TestData.variant("austen_0870_48k_stereo.wav"), austen));
    cases.add(new Case("conc-8k", TestData.variant("austen_0870_8k.wav"), austen));
    assertEquals(16, cases.size());

    List<Future<List<Received>>> futures = new ArrayList<>();
    try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
      for (Case c : cases) {
        futures.add(clients.submit(() -> run(c)));
      }
      WordErrorRate.Score total = new WordErrorRate.Score(0, 0);
      for (int i = 0; i < cases.size(); i++) {
        Case c = cases.get(i);
        List<Received> out = futures.get(i).get();
        assertTrue(out.stream().allMatch(r -> c.id().equals(r.string("session_id"))), "cross-talk");
        assertTrue(out.stream().noneMatch(r -> r.type().equals("error")), out.toString());
        List<Received> results = out.stream().filter(Received::isTranscription).toList();
        for (int seq = 0; seq < results.size(); seq++) {
          assertEquals(seq, results.get(seq).sequence(), c.id() + ": no lost results");
        }
        assertTrue(results.getLast().endOfStream());
        String text = StreamClient.joinTranscripts(out);
        WordErrorRate.Score score = WordErrorRate.score(c.reference(), text);
        total = total.plus(score);
        System.out.printf("%-24s WER %5.1f%% \"%s\"%n", c.id(), 100 * score.rate(), text);
        assertTrue(
            score.rate() <= MAX_SESSION_WER || c.id().contains("tidigits"), c.id() + ": " + text);
      }
      System.out.printf("16 concurrent sessions: total WER %.1f%%%n", 100 * total.rate());
      assertTrue(total.rate() < 0.25);
    }
  }

  private static List<Received> run(Case c) throws Exception {
    try (StreamClient.Session session = stt.client().listen(c.id(), r -> {})) {
      stt.client().stream(c.id(), c.clip(), StreamOptions.realTime(), session);
      return session.awaitEnd(Duration.ofSeconds(120));
    }
  }
}
