package ai.voice.stt.bench;

import ai.voice.stt.audio.AudioClip;
import ai.voice.stt.audio.Pcm16;
import ai.voice.stt.client.Received;
import ai.voice.stt.client.StreamClient;
import ai.voice.stt.client.StreamOptions;
import ai.voice.stt.config.ConfigLoader;
import ai.voice.stt.eval.Corpus;
import ai.voice.stt.eval.NoisySpeech;
import ai.voice.stt.eval.NoisySpeech.Noise;
import ai.voice.stt.eval.WordErrorRate;
import ai.voice.stt.vad.SileroSpeechDetectorFactory;
import ai.voice.stt.vad.SpeechDetector;
import ai.voice.stt.vad.WebRtcSpeechDetectorFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code stt vad-check}: the WebRTC VAD (onset mode 2, end-point mode 3, the service's defaults)
 * and Silero VAD on the same streams (issue 23, decisions/0025). Frame by frame, in process: false
 * onsets per minute of noise (white, pink, brown, hum, clicks, babble of other speech), speech
 * missed on the corpus (clean and in noise at 20/10/5 dB SNR), where each VAD decides that speech
 * has ended, and the CPU a session's detectors take. Then, unless {@code --no-wer}, the same noisy
 * corpus streamed through the real service and tiny.en with each {@code STT_VAD}: streamed WER.
 * Figures for docs/benchmarks.md, no pass/fail.
 */
@Command(
    name = "vad-check",
    mixinStandardHelpOptions = true,
    description = "Measure the WebRTC and Silero VADs on the same noise and noisy speech.")
public final class VadCheckCommand implements Callable<Integer> {
  private static final int FRAME_MS = SpeechDetector.FRAME_MS;
  private static final int RATE = SpeechDetector.SAMPLE_RATE;
  private static final double[] SNRS = {20, 10, 5};
  private static final Noise[] SPEECH_NOISES = {Noise.WHITE, Noise.PINK, Noise.BABBLE};

  /** Noise levels (RMS dBFS; clicks: peak) for the false-onset run: quiet room to loud. */
  private static final Map<Noise, double[]> NOISE_LEVELS =
      Map.of(
          Noise.WHITE, new double[] {-45, -35, -25},
          Noise.PINK, new double[] {-40, -30, -20},
          Noise.BROWN, new double[] {-35, -25},
          Noise.HUM, new double[] {-40, -25},
          Noise.CLICKS, new double[] {-20, -6},
          Noise.BABBLE, new double[] {-40, -30, -20});

  @Option(names = "--seeds", defaultValue = "4", description = "seeds per noise kind and level")
  int seeds;

  @Option(names = "--noise-seconds", defaultValue = "30", description = "length of a noise clip")
  double noiseSeconds;

  @Option(names = "--fixtures", defaultValue = "fixtures")
  Path fixtures;

  @Option(names = "--vad-model", defaultValue = "models/silero_vad.onnx")
  Path vadModel;

  @Option(names = "--model", defaultValue = ConfigLoader.PROJECT_MODEL)
  Path model;

  @Option(names = "--no-wer", description = "skip the streamed WER through the service")
  boolean noWer;

  @Option(names = "--speed", defaultValue = "4", description = "WER streams: times real time")
  double speed;

  @Option(names = "--at-once", defaultValue = "3", description = "WER streams at once")
  int atOnce;

  @Option(
      names = "--wer-conditions",
      defaultValue = ".*",
      description = "WER streams: conditions to stream (a regex: clean, white 10 dB, ...)")
  String werConditions;

  @Option(names = "--show-text", description = "WER streams: print each reference and hypothesis")
  boolean showText;

  @Option(
      names = "--service-env",
      description = "KEY=VALUE for the service, repeatable (e.g. STT_RECOGNITION_TIMEOUT_BASE=600)")
  Map<String, String> serviceEnv = new LinkedHashMap<>();

  @Option(
      names = "--min-speech-ms",
      defaultValue = "90",
      description = "onset rule: voiced run that opens (STT_MIN_SPEECH_MS)")
  int minSpeechMs;

  @Option(
      names = "--endpoint-ms",
      defaultValue = "600",
      description = "onset rule: pause that closes (STT_ENDPOINT_SILENCE_MS)")
  int endpointMs;

  /** One speech stream: a corpus recording in a condition, with its reference labels. */
  private record SpeechStream(
      String condition,
      Corpus.Recording recording,
      short[] samples,
      int firstLabel,
      int lastLabel,
      boolean[] labels) {}

  @Override
  public Integer call() throws Exception {
    List<Corpus.Recording> corpus = Corpus.load(fixtures);
    List<short[]> talkers = NoisySpeech.samples(corpus);
    List<VadTrack.Vad> vads =
        List.of(
            new VadTrack.Vad(
                "webrtc (2/3)",
                new WebRtcSpeechDetectorFactory(ConfigLoader.DEFAULT_VAD_AGGRESSIVENESS),
                new WebRtcSpeechDetectorFactory(ConfigLoader.DEFAULT_ENDPOINT_VAD_AGGRESSIVENESS)),
            silero());
    System.out.printf("vad-check on %s (load %s)%n%n", Machine.describe(), Machine.loadAverage());
    noise(vads, talkers);
    List<SpeechStream> streams = speechStreams(corpus, talkers);
    speech(vads, streams);
    if (!noWer) {
      wer(streams.stream().filter(s -> s.condition().matches(werConditions)).toList());
    }
    return 0;
  }

  private VadTrack.Vad silero() {
    SileroSpeechDetectorFactory silero = SileroSpeechDetectorFactory.load(vadModel);
    return new VadTrack.Vad("silero v6", silero, silero);
  }

  private int minSpeechFrames() {
    return Math.max(1, minSpeechMs / FRAME_MS);
  }

  private int endpointFrames() {
    return Math.max(1, endpointMs / FRAME_MS);
  }

  /** False onsets per minute and voiced frames, per kind of noise. */
  private void noise(List<VadTrack.Vad> vads, List<short[]> talkers) {
    System.out.println("## False onsets on noise (utterances opened per minute; % frames voiced)");
    System.out.println();
    StringBuilder header = new StringBuilder("| noise | minutes |");
    StringBuilder rule = new StringBuilder("|---|---|");
    for (VadTrack.Vad vad : vads) {
      header.append(" ").append(vad.name()).append(" |");
      rule.append("---|");
    }
    System.out.println(header);
    System.out.println(rule);
    int samples = (int) Math.round(noiseSeconds * RATE);
    long[] totalOnsets = new long[vads.size()];
    double totalMinutes = 0;
    for (Noise kind : Noise.values()) {
      long[] onsets = new long[vads.size()];
      long[] voiced = new long[vads.size()];
      long frames = 0;
      double minutes = 0;
      for (double level : NOISE_LEVELS.get(kind)) {
        for (int s = 0; s < seeds; s++) {
          short[] noise = NoisySpeech.noise(kind, samples, 1000 + s, level, talkers);
          minutes += noiseSeconds / 60;
          frames += noise.length / SpeechDetector.FRAME_SAMPLES;
          for (int v = 0; v < vads.size(); v++) {
            VadTrack track = VadTrack.classify(vads.get(v), noise);
            onsets[v] += track.utterances(minSpeechFrames(), endpointFrames()).size();
            voiced[v] += track.voicedFrames();
          }
        }
      }
      StringBuilder row =
          new StringBuilder(
              String.format(
                  Locale.ROOT,
                  "| %s %s | %.0f |",
                  kind.name().toLowerCase(Locale.ROOT),
                  levels(kind),
                  minutes));
      for (int v = 0; v < vads.size(); v++) {
        row.append(
            String.format(
                Locale.ROOT,
                " %.1f /min (%.1f %%) |",
                onsets[v] / minutes,
                100.0 * voiced[v] / frames));
        totalOnsets[v] += onsets[v];
      }
      totalMinutes += minutes;
      System.out.println(row);
    }
    StringBuilder row =
        new StringBuilder(String.format(Locale.ROOT, "| all | %.0f |", totalMinutes));
    for (int v = 0; v < vads.size(); v++) {
      row.append(String.format(Locale.ROOT, " %.2f /min |", totalOnsets[v] / totalMinutes));
    }
    System.out.println(row);
    System.out.println();
  }

  private static String levels(Noise kind) {
    StringBuilder s = new StringBuilder();
    for (double l : NOISE_LEVELS.get(kind)) {
      s.append(s.isEmpty() ? "" : "/").append(Math.round(l));
    }
    return s + " dB" + (kind == Noise.CLICKS ? " peak" : "");
  }

  /** The corpus clean and in each noise at each SNR, with 1 s before and 1.5 s after. */
  private List<SpeechStream> speechStreams(List<Corpus.Recording> corpus, List<short[]> talkers) {
    int lead = RATE;
    int tail = RATE * 3 / 2;
    List<SpeechStream> streams = new ArrayList<>();
    for (int r = 0; r < corpus.size(); r++) {
      short[] clean = talkers.get(r);
      boolean[] labels = NoisySpeech.labels(clean);
      int first = -1;
      int last = -1;
      for (int f = 0; f < labels.length; f++) {
        if (labels[f]) {
          first = first < 0 ? f : first;
          last = f;
        }
      }
      int leadFrames = lead / SpeechDetector.FRAME_SAMPLES;
      boolean[] shifted = new boolean[leadFrames + labels.length];
      System.arraycopy(labels, 0, shifted, leadFrames, labels.length);
      streams.add(
          new SpeechStream(
              "clean",
              corpus.get(r),
              NoisySpeech.mix(clean, null, 0, lead, tail),
              leadFrames + first,
              leadFrames + last,
              shifted));
      int n = lead + clean.length + tail;
      // Babble made of the other recordings only.
      List<short[]> others = new ArrayList<>(talkers);
      others.remove(r);
      for (Noise kind : SPEECH_NOISES) {
        for (double snr : SNRS) {
          short[] noise = NoisySpeech.noise(kind, n, 2000 + r, -30, others);
          streams.add(
              new SpeechStream(
                  kind.name().toLowerCase(Locale.ROOT) + " " + Math.round(snr) + " dB",
                  corpus.get(r),
                  NoisySpeech.mix(clean, noise, snr, lead, tail),
                  leadFrames + first,
                  leadFrames + last,
                  shifted));
        }
      }
    }
    return streams;
  }

  /** Missed speech, false onsets, splits, end-point latency and CPU, per condition. */
  private void speech(List<VadTrack.Vad> vads, List<SpeechStream> streams) {
    System.out.println(
        "## Speech: the corpus clean and in noise (12 recordings, 1 s before, 1.5 s after)");
    System.out.println();
    System.out.println(
        "missed utt: recordings whose speech no utterance holds; missed frames: reference"
            + " speech frames (energy labels of the clean recording) the onset VAD called"
            + " non-speech; false onsets: utterances holding no speech (in the noise around it);"
            + " splits: utterances holding speech beyond one; end: speech end"
            + " (last reference frame) to the end-pointing VAD's last call of silence, p50 / p90"
            + " (negative: it called silence before the speech ended)");
    System.out.println();
    System.out.println(
        "| condition | VAD | missed utt | missed frames | false onsets | splits | end p50 / p90 |");
    System.out.println("|---|---|---|---|---|---|---|");
    Map<String, List<SpeechStream>> byCondition = new LinkedHashMap<>();
    for (SpeechStream s : streams) {
      byCondition.computeIfAbsent(s.condition(), c -> new ArrayList<>()).add(s);
    }
    long[] cpu = new long[vads.size()];
    double audioSeconds = 0;
    for (Map.Entry<String, List<SpeechStream>> e : byCondition.entrySet()) {
      for (int v = 0; v < vads.size(); v++) {
        int missedUtterances = 0;
        long missedFrames = 0;
        long speechFrames = 0;
        int falseOnsets = 0;
        int splits = 0;
        List<Double> endMs = new ArrayList<>();
        for (SpeechStream s : e.getValue()) {
          VadTrack track = VadTrack.classify(vads.get(v), s.samples());
          cpu[v] += track.cpuNanos();
          if (v == 0) {
            audioSeconds += s.samples().length / (double) RATE;
          }
          List<VadTrack.Utterance> cut = track.utterances(minSpeechFrames(), endpointFrames());
          boolean covered = false;
          for (VadTrack.Utterance u : cut) {
            boolean speech = false;
            for (int f = s.firstLabel(); f <= s.lastLabel(); f++) {
              speech |= s.labels()[f] && u.covers(f);
            }
            covered |= speech;
            // Opened in the noise around the speech and holding none of it: a false onset.
            falseOnsets += speech ? 0 : 1;
            splits += speech ? 1 : 0;
          }
          missedUtterances += covered ? 0 : 1;
          splits -= covered ? 1 : 0;
          for (int f = 0; f < s.labels().length && f < track.onset().length; f++) {
            if (s.labels()[f]) {
              speechFrames++;
              missedFrames += track.onset()[f] ? 0 : 1;
            }
          }
          int silence = track.silenceFrom(s.firstLabel());
          if (silence >= 0) {
            // The frame's answer is known at its end.
            endMs.add((silence + 1.0) * FRAME_MS - (s.lastLabel() + 1.0) * FRAME_MS);
          }
        }
        Percentiles end = Percentiles.of(endMs);
        System.out.printf(
            Locale.ROOT,
            "| %s | %s | %d of %d | %.1f %% | %d | %d | %.0f / %.0f ms |%n",
            e.getKey(),
            vads.get(v).name(),
            missedUtterances,
            e.getValue().size(),
            100.0 * missedFrames / Math.max(1, speechFrames),
            falseOnsets,
            splits,
            end.p50(),
            rank90(endMs));
      }
    }
    System.out.println();
    System.out.println("## CPU per session (its detectors on one thread, speech streams above)");
    System.out.println();
    for (int v = 0; v < vads.size(); v++) {
      double msPerSecond = cpu[v] / 1e6 / audioSeconds;
      System.out.printf(
          Locale.ROOT,
          "- %s: %.2f ms CPU per second of audio (%.2f %% of a core), %.0f s of audio%n",
          vads.get(v).name(),
          msPerSecond,
          msPerSecond / 10,
          audioSeconds);
    }
    System.out.println();
  }

  private static double rank90(List<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return v.length == 0 ? Double.NaN : v[Math.max(0, (int) Math.ceil(0.9 * v.length) - 1)];
  }

  /** Every speech stream through the service with each STT_VAD; WER per condition. */
  private void wer(List<SpeechStream> streams) throws Exception {
    System.out.printf(
        "## Streamed WER through the service (tiny.en, %s x real time, %d at once)%n%n",
        fmt(speed), atOnce);
    List<String> vadNames = List.of("webrtc", "silero");
    Map<String, Map<String, WordErrorRate.Score>> scores = new LinkedHashMap<>();
    for (String vad : vadNames) {
      Map<String, WordErrorRate.Score> byCondition = streamAll(vad, streams);
      scores.put(vad, byCondition);
    }
    System.out.println("| condition | webrtc WER | silero WER |");
    System.out.println("|---|---|---|");
    Map<String, int[]> all = new LinkedHashMap<>();
    for (String condition : scores.get("webrtc").keySet()) {
      StringBuilder row = new StringBuilder("| " + condition + " |");
      for (String vad : vadNames) {
        WordErrorRate.Score s = scores.get(vad).get(condition);
        row.append(
            String.format(
                Locale.ROOT, " %.1f %% |", 100.0 * s.errors() / Math.max(1, s.referenceWords())));
        String key = vad + (condition.equals("clean") ? " clean" : " noisy");
        int[] sum = all.computeIfAbsent(key, k -> new int[2]);
        sum[0] += s.errors();
        sum[1] += s.referenceWords();
      }
      System.out.println(row);
    }
    for (Map.Entry<String, int[]> e : all.entrySet()) {
      System.out.printf(
          Locale.ROOT,
          "- %s: %.1f %% (%d errors / %d words)%n",
          e.getKey(),
          100.0 * e.getValue()[0] / e.getValue()[1],
          e.getValue()[0],
          e.getValue()[1]);
    }
    System.out.println();
  }

  private Map<String, WordErrorRate.Score> streamAll(String vad, List<SpeechStream> streams)
      throws Exception {
    try (InProcessService service =
        InProcessService.start(
            model, Map.of("STT_VAD", vad, "STT_VAD_MODEL_PATH", vadModel.toString()), serviceEnv)) {
      StreamClient client = service.client();
      Semaphore slots = new Semaphore(atOnce);
      List<Future<String>> futures = new ArrayList<>();
      try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
        for (int i = 0; i < streams.size(); i++) {
          SpeechStream s = streams.get(i);
          String id = "vad-" + vad + "-" + i;
          AudioClip clip = new AudioClip(Pcm16.toBytes(s.samples()), RATE, 1);
          futures.add(
              clients.submit(
                  () -> {
                    slots.acquire();
                    try (StreamClient.Session session = client.listen(id, r -> {})) {
                      client.stream(id, clip, StreamOptions.realTime().withSpeed(speed), session);
                      List<Received> out = session.awaitEnd(Duration.ofSeconds(180));
                      if (out.stream().anyMatch(r -> r.type().equals("error"))) {
                        System.out.println("error in " + id + ": " + out);
                      }
                      return StreamClient.joinTranscripts(out);
                    } finally {
                      slots.release();
                    }
                  }));
        }
        Map<String, int[]> sums = new LinkedHashMap<>();
        for (int i = 0; i < streams.size(); i++) {
          SpeechStream s = streams.get(i);
          String text = futures.get(i).get();
          WordErrorRate.Score score = WordErrorRate.score(s.recording().reference(), text);
          if (showText) {
            System.out.printf(
                "%s %s %s: \"%s\" -> \"%s\" (%d errors)%n",
                vad,
                s.condition(),
                s.recording().name(),
                s.recording().reference(),
                text,
                score.errors());
          }
          int[] sum = sums.computeIfAbsent(s.condition(), c -> new int[2]);
          sum[0] += score.errors();
          sum[1] += score.referenceWords();
        }
        Map<String, WordErrorRate.Score> out = new LinkedHashMap<>();
        sums.forEach((c, sum) -> out.put(c, new WordErrorRate.Score(sum[0], sum[1])));
        return out;
      }
    }
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }
}
