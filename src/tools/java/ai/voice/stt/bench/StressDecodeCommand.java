package ai.voice.stt.bench;

import ai.voice.stt.config.ConfigLoader;
import ai.voice.stt.eval.Corpus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code stt stress-decode}: the long form of DecodeStressTest ({@link DecodeStress}): 2 x cores
 * concurrent decodes for minutes; prints the count, mismatches and resident memory.
 */
@Command(
    name = "stress-decode",
    mixinStandardHelpOptions = true,
    description =
        "Decode the corpus on 2 x cores workers at once for a while; check transcripts and RSS.")
public final class StressDecodeCommand implements Callable<Integer> {
  @Option(names = "--minutes", defaultValue = "5", description = "how long (default: 5)")
  double minutes;

  @Option(
      names = "--workers",
      defaultValue = "0",
      description = "concurrent decodes (0: 2 x available processors)")
  int workers;

  @Option(names = "--model", defaultValue = ConfigLoader.PROJECT_MODEL)
  Path model;

  @Option(names = "--fixtures", defaultValue = "fixtures")
  Path fixtures;

  @Override
  public Integer call() throws Exception {
    int n = workers > 0 ? workers : 2 * Runtime.getRuntime().availableProcessors();
    System.out.printf("stress-decode: %d workers for %.1f min%n", n, minutes);
    DecodeStress.Report report =
        DecodeStress.run(
            model, Corpus.load(fixtures), n, 2, Duration.ofMillis(Math.round(minutes * 60_000)));
    System.out.println(report);
    return report.mismatches() == 0 ? 0 : 1;
  }
}
