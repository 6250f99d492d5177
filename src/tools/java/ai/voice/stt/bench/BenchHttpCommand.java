package ai.voice.stt.bench;

import ai.voice.stt.audio.AudioClip;
import ai.voice.stt.audio.AudioNormalizer;
import ai.voice.stt.audio.Pcm16;
import ai.voice.stt.config.ConfigLoader;
import ai.voice.stt.config.SttConfig.AudioContext;
import ai.voice.stt.eval.Corpus;
import ai.voice.stt.eval.WordErrorRate;
import ai.voice.stt.recognizer.LocalWhisperRecognizer;
import ai.voice.stt.recognizer.Recognizer;
import ai.voice.stt.recognizer.http.HttpWhisperRecognizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The latency the HTTP hop adds: the same utterances through the local recognizer and through
 * {@code stt whisper-server} (same model, same whisper settings), one call at a time, alternating,
 * so both see the same machine. Prints a markdown table for docs/benchmarks.md.
 */
@Command(
    name = "bench-http",
    mixinStandardHelpOptions = true,
    description =
        "Compare latency of the local recognizer and the HTTP recognizer against a running"
            + " whisper-server on the same utterances (scripts/bench-http.sh starts the server).")
public final class BenchHttpCommand implements Callable<Integer> {
  @Option(names = "--url", required = true, description = "whisper-server base URL")
  String url;

  @Option(
      names = "--model",
      defaultValue = "${env:STT_MODEL_PATH:-" + ConfigLoader.PROJECT_MODEL + "}",
      description = "the model the server runs (default: ${DEFAULT-VALUE})")
  Path model;

  @Option(names = "--threads", defaultValue = "1", description = "as the server's --threads")
  int threads;

  @Option(names = "--audio-ctx", defaultValue = "auto", description = "as the server's")
  String audioCtx;

  @Option(
      names = "--corpus",
      defaultValue = "fixtures/corpus",
      description = "directory with transcripts.tsv and its WAV files (default: ${DEFAULT-VALUE})")
  Path corpus;

  @Option(names = "--rounds", defaultValue = "5", description = "measured passes over the corpus")
  int rounds;

  private record Utterance(String name, float[] samples, double seconds, String reference) {}

  @Override
  public Integer call() throws Exception {
    List<Utterance> utterances = load();
    AudioContext context =
        switch (audioCtx) {
          case "auto" -> AudioContext.AUTO;
          case "full" -> AudioContext.FULL;
          default -> new AudioContext(Integer.parseInt(audioCtx));
        };
    List<Double> local = new ArrayList<>();
    List<Double> http = new ArrayList<>();
    List<Double> added = new ArrayList<>();
    int differing = 0;
    try (Recognizer localRecognizer = new LocalWhisperRecognizer(model, 1, threads, context);
        Recognizer httpRecognizer =
            new HttpWhisperRecognizer(
                ConfigLoader.load(Map.of("WHISPER_URL", url), 1).recognition().http())) {
      for (int round = 0; round <= rounds; round++) {
        for (Utterance u : utterances) {
          // Alternate which goes first so caches and clocks favour neither side.
          boolean localFirst = round % 2 == 0;
          Timed first = time(localFirst ? localRecognizer : httpRecognizer, u);
          Timed second = time(localFirst ? httpRecognizer : localRecognizer, u);
          Timed l = localFirst ? first : second;
          Timed h = localFirst ? second : first;
          if (round == 0) {
            continue; // warm-up: connection, caches, JIT
          }
          local.add(l.millis);
          http.add(h.millis);
          added.add(h.millis - l.millis);
          if (!WordErrorRate.words(l.text).equals(WordErrorRate.words(h.text))) {
            differing++;
            System.err.printf("%s: local \"%s\" vs http \"%s\"%n", u.name(), l.text, h.text);
          }
        }
      }
    }
    double audio = utterances.stream().mapToDouble(Utterance::seconds).average().orElse(0);
    System.out.printf(
        "%d utterances (mean %.2f s of audio) x %d rounds, sequential calls%n%n",
        utterances.size(), audio, rounds);
    System.out.println("| path | p50 ms | p95 ms | mean ms |");
    System.out.println("|---|---|---|---|");
    row("local recognizer (in process)", local);
    row("HTTP recognizer -> whisper-server", http);
    row("added by the HTTP hop (paired per call)", added);
    System.out.printf(
        "%ntranscripts differing between the two: %d of %d%n", differing, local.size());
    return 0;
  }

  private record Timed(double millis, String text) {}

  private static Timed time(Recognizer recognizer, Utterance u) throws Exception {
    long started = System.nanoTime();
    String text = recognizer.transcribe(u.samples(), Optional.empty()).text();
    return new Timed((System.nanoTime() - started) / 1e6, text);
  }

  private List<Utterance> load() throws Exception {
    List<Utterance> out = new ArrayList<>();
    for (Corpus.Recording r : Corpus.load(corpus.getParent())) {
      AudioClip clip = r.clip();
      short[] pcm = new AudioNormalizer(clip.sampleRate(), clip.channels()).normalize(clip.pcm());
      out.add(
          new Utterance(
              r.name(), Pcm16.toFloat(pcm, 0, pcm.length), clip.seconds(), r.reference()));
    }
    return out;
  }

  private static void row(String name, List<Double> millis) {
    Percentiles p = Percentiles.of(millis);
    System.out.printf("| %s | %.0f | %.0f | %.0f |%n", name, p.p50(), p.p95(), p.mean());
  }
}
