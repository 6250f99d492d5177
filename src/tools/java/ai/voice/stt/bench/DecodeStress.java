package ai.voice.stt.bench;

import ai.voice.stt.audio.AudioClip;
import ai.voice.stt.audio.AudioNormalizer;
import ai.voice.stt.audio.Pcm16;
import ai.voice.stt.config.SttConfig.AudioContext;
import ai.voice.stt.eval.Corpus;
import ai.voice.stt.recognizer.LocalWhisperRecognizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Many decodes at once on one model, no lock around the native calls (decisions/0029): {@code
 * workers} threads, each with its own decoder state, decode the corpus recordings round and round:
 * at least {@code rounds} times, and on until {@code duration} has passed. Every transcript must
 * equal that recording's transcript decoded alone (a state touched by another call would change
 * it), and the process's resident memory is sampled after the first round and at the end (a leak
 * per call would grow it).
 */
public final class DecodeStress {
  private DecodeStress() {}

  /**
   * @param decodes calls completed
   * @param mismatches calls whose text differed from the recording's text decoded alone
   * @param firstMismatch the first such difference, or empty
   * @param rssAfterWarmUpKb VmRSS once every worker had decoded each recording once
   * @param rssAtEndKb VmRSS at the end
   */
  public record Report(
      int decodes,
      int mismatches,
      Optional<String> firstMismatch,
      long rssAfterWarmUpKb,
      long rssAtEndKb) {
    public long rssGrowthKb() {
      return rssAtEndKb - rssAfterWarmUpKb;
    }

    @Override
    public String toString() {
      return String.format(
          "%d decodes, %d mismatches%s; RSS after warm-up %d MiB, at the end %d MiB (%+d KiB)",
          decodes,
          mismatches,
          firstMismatch.map(m -> " (first: " + m + ")").orElse(""),
          rssAfterWarmUpKb / 1024,
          rssAtEndKb / 1024,
          rssGrowthKb());
    }
  }

  public static Report run(
      Path model, List<Corpus.Recording> recordings, int workers, int rounds, Duration duration)
      throws Exception {
    List<float[]> audio = new ArrayList<>();
    for (Corpus.Recording r : recordings) {
      AudioClip clip = r.clip();
      short[] pcm = new AudioNormalizer(clip.sampleRate(), clip.channels()).normalize(clip.pcm());
      audio.add(Pcm16.toFloat(pcm, 0, pcm.length));
    }
    try (LocalWhisperRecognizer recognizer =
        new LocalWhisperRecognizer(model, workers, 1, AudioContext.AUTO)) {
      List<String> expected = new ArrayList<>();
      for (float[] samples : audio) {
        expected.add(recognizer.transcribe(samples, Optional.empty()).text());
      }
      AtomicInteger decodes = new AtomicInteger();
      AtomicInteger mismatches = new AtomicInteger();
      AtomicReference<String> firstMismatch = new AtomicReference<>();
      AtomicInteger warmedUp = new AtomicInteger();
      AtomicReference<Long> rssAfterWarmUp = new AtomicReference<>();
      long deadline = System.nanoTime() + duration.toNanos();
      try (ExecutorService pool = Executors.newFixedThreadPool(workers)) {
        List<Future<?>> jobs = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
          int offset = w;
          jobs.add(
              pool.submit(
                  () -> {
                    int round = 0;
                    do {
                      for (int i = 0; i < audio.size(); i++) {
                        int k = (i + offset) % audio.size();
                        String text = recognizer.transcribe(audio.get(k), Optional.empty()).text();
                        decodes.incrementAndGet();
                        if (!text.equals(expected.get(k))) {
                          mismatches.incrementAndGet();
                          firstMismatch.compareAndSet(
                              null, "\"" + text + "\" for \"" + expected.get(k) + "\"");
                        }
                      }
                      if (round++ == 0 && warmedUp.incrementAndGet() == workers) {
                        rssAfterWarmUp.set(rssKb());
                      }
                    } while (round < rounds || System.nanoTime() < deadline);
                    return null;
                  }));
        }
        for (Future<?> job : jobs) {
          job.get();
        }
      }
      return new Report(
          decodes.get(),
          mismatches.get(),
          Optional.ofNullable(firstMismatch.get()),
          rssAfterWarmUp.get() == null ? rssKb() : rssAfterWarmUp.get(),
          rssKb());
    }
  }

  /** This process's resident set (VmRSS), in KiB. */
  static long rssKb() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IOException("no VmRSS in /proc/self/status");
  }
}
