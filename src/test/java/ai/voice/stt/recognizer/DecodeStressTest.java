package ai.voice.stt.recognizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.bench.DecodeStress;
import ai.voice.stt.eval.Corpus;
import ai.voice.stt.support.TestData;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The short form of {@code stt stress-decode}: 2 x cores decodes at once on one model for about 20
 * s, with no lock around the native calls. No crash, every transcript the same as the recording's
 * alone, and resident memory flat after the first round (a leak of even a few KiB per call would
 * show over the hundreds of calls).
 */
class DecodeStressTest {
  private static final long RSS_SLACK_KB = 48 * 1024;

  @Test
  void twiceAsManyDecodesAsCoresRunTogetherWithoutCrashMixUpOrGrowth() throws Exception {
    int workers = 2 * Runtime.getRuntime().availableProcessors();
    // Short recordings (1.5-2.5 s), so that the rounds fit the suite's budget on a small machine.
    List<Corpus.Recording> shortOnes =
        TestData.corpus().stream()
            .filter(r -> List.of("cards_001", "cards_004", "goforward").contains(r.name()))
            .toList();
    int rounds = 3;
    DecodeStress.Report report =
        DecodeStress.run(TestData.model(), shortOnes, workers, rounds, Duration.ZERO);
    System.out.println(workers + " workers: " + report);
    assertEquals(rounds * workers * shortOnes.size(), report.decodes(), report.toString());
    assertEquals(0, report.mismatches(), report.toString());
    assertTrue(report.rssGrowthKb() < RSS_SLACK_KB, report.toString());
  }
}
