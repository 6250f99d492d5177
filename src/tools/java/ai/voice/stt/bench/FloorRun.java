package ai.voice.stt.bench;

import ai.voice.stt.audio.AudioClip;
import ai.voice.stt.audio.Pcm16;
import ai.voice.stt.config.SttConfig.AudioContext;
import ai.voice.stt.eval.Corpus;
import ai.voice.stt.recognizer.LocalWhisperRecognizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The floor: the same utterances straight through whisper.cpp (in-process), no NATS, VAD or
 * sessions, with the same thread allotment and the same encoder-window policy as the service.
 */
final class FloorRun {
  private FloorRun() {}

  /** Latency of each utterance alone, and throughput with every worker busy. */
  record Floor(List<Double> latencies, double audioSecondsPerSecond) {}

  static Floor measure(
      Path model,
      List<Corpus.Recording> recordings,
      int threads,
      int elasticCores,
      int workers,
      AudioContext ctx)
      throws Exception {
    List<float[]> audio = new ArrayList<>();
    double audioSeconds = 0;
    for (Corpus.Recording r : recordings) {
      AudioClip clip = r.clip();
      short[] samples = Pcm16.toMono(clip.pcm(), 1);
      audio.add(Pcm16.toFloat(samples, 0, samples.length));
      audioSeconds += clip.seconds();
    }
    try (LocalWhisperRecognizer recognizer =
        new LocalWhisperRecognizer(model, workers, threads, elasticCores, ctx)) {
      recognizer.transcribe(audio.getFirst(), Optional.empty()); // warm-up: first call allocates
      List<Double> latencies = new ArrayList<>();
      for (float[] samples : audio) {
        long start = System.nanoTime();
        recognizer.transcribe(samples, Optional.empty());
        latencies.add((System.nanoTime() - start) / 1e9);
      }
      int rounds = 2;
      long start = System.nanoTime();
      try (ExecutorService pool = Executors.newFixedThreadPool(workers)) {
        List<Future<?>> jobs = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
          for (float[] samples : audio) {
            jobs.add(pool.submit(() -> recognizer.transcribe(samples, Optional.empty())));
          }
        }
        for (Future<?> job : jobs) {
          job.get();
        }
      }
      double wall = (System.nanoTime() - start) / 1e9;
      return new Floor(latencies, rounds * audioSeconds / wall);
    }
  }
}
