package ai.voice.stt.bench;

import ai.voice.stt.audio.AudioClip;
import ai.voice.stt.audio.Pcm16;
import ai.voice.stt.client.Received;
import ai.voice.stt.client.StreamClient;
import ai.voice.stt.client.StreamOptions;
import ai.voice.stt.config.ConfigLoader;
import ai.voice.stt.config.SttConfig.AudioContext;
import ai.voice.stt.eval.Corpus;
import ai.voice.stt.eval.EvalSet;
import ai.voice.stt.eval.WordErrorRate;
import ai.voice.stt.recognizer.Hints;
import ai.voice.stt.recognizer.LocalWhisperRecognizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code stt eval}: word error rate per subset of the evaluation set (scripts/eval-set.sh, issue 23
 * item 4) for each way of recognising it, in one run: offline whisper.cpp on each file (the floor,
 * with the service's decoding; one row per {@code --offline} setting), the same files streamed as
 * conversations through the real service over NATS (finals only), and the faster-whisper peer.
 * Latency here is decoding time per utterance (offline); the service's latency under load is {@code
 * stt bench}'s.
 */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description = "WER per subset of the evaluation set: offline floor, streamed service, peer.")
public final class EvalCommand implements Callable<Integer> {
  @Option(names = "--manifest", defaultValue = ".cache/eval-set/manifest.jsonl")
  Path manifest;

  @Option(names = "--model", defaultValue = ConfigLoader.PROJECT_MODEL)
  Path model;

  @Option(
      names = "--offline",
      split = ",",
      defaultValue = "auto",
      description =
          "offline settings, each WINDOW[:beamN] with WINDOW auto, full or frames (e.g."
              + " auto,768,full,auto:beam5); none: skip (default: ${DEFAULT-VALUE})")
  List<String> offline;

  @Option(
      names = "--streamed",
      split = ",",
      defaultValue = "auto",
      description =
          "STT_WHISPER_AUDIO_CTX of each streamed run through the service; none: skip (default:"
              + " ${DEFAULT-VALUE})")
  List<String> streamed;

  @Option(names = "--threads", defaultValue = "1", description = "whisper threads per call")
  int threads;

  @Option(
      names = "--speed",
      defaultValue = "1",
      description =
          "streaming pace, times real time; faster, on a busy machine, the service refuses audio"
              + " (overloaded) and the WER counts it (default: ${DEFAULT-VALUE})")
  double speed;

  @Option(names = "--at-once", defaultValue = "3", description = "sessions streamed at once")
  int atOnce;

  @Option(
      names = "--per-session",
      defaultValue = "8",
      description = "utterances per streamed session, 1.5 s apart")
  int perSession;

  @Option(names = "--service-env", description = "KEY=VALUE for the streamed service, repeatable")
  Map<String, String> serviceEnv = new LinkedHashMap<>();

  @Option(
      names = "--peer-faster-whisper",
      description =
          "also run faster-whisper (int8, beam 5, full window, same tiny.en weights) on every file"
              + " (scripts/eval/peer_faster_whisper.py, packages from scripts/eval-set.sh)")
  boolean peerFasterWhisper;

  @Option(
      names = "--peer-hypotheses",
      description =
          "score the peer's output of an earlier run (peer-faster-whisper.jsonl) instead of running"
              + " it again")
  Path peerHypotheses;

  @Option(names = "--limit", defaultValue = "0", description = "first N utterances only (0: all)")
  int limit;

  @Option(
      names = "--every",
      defaultValue = "1",
      description =
          "every Nth utterance only: a sample with every subset in proportion, for a quick sweep")
  int every;

  @Option(
      names = "--subsets",
      split = ",",
      description = "these subsets only (e.g. neural-noisy,espeak-noisy); default: all")
  List<String> subsets;

  @Option(
      names = "--ids",
      description =
          "utterances whose id matches this regular expression only (e.g. 'corpus-austen.*')")
  String ids;

  @Option(names = "--out", defaultValue = "target/eval/eval.json")
  Path out;

  /** One way of recognising the set: its text for each utterance, and what decoding cost. */
  record Run(
      String name, Map<String, String> hypotheses, List<Double> seconds, List<Double> cpuSeconds) {}

  // Every final of each streamed run with where it sits, for a per-utterance diagnosis.
  private final Map<String, List<Map<String, Object>>> streamFinals = new LinkedHashMap<>();

  // Errors the service sent in each streamed run ("overloaded": audio refused), by code.
  private final Map<String, Map<String, Integer>> streamErrors = new LinkedHashMap<>();

  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean)
          java.lang.management.ManagementFactory.getOperatingSystemMXBean();

  @Override
  public Integer call() throws Exception {
    List<EvalSet.Utterance> set = EvalSet.load(manifest);
    if (subsets != null) {
      set = set.stream().filter(u -> subsets.contains(u.subset())).toList();
    }
    if (ids != null) {
      set = set.stream().filter(u -> u.id().matches(ids)).toList();
    }
    if (every > 1) {
      List<EvalSet.Utterance> sample = new ArrayList<>();
      for (int i = 0; i < set.size(); i += every) {
        sample.add(set.get(i));
      }
      set = sample;
    }
    if (limit > 0) {
      set = set.subList(0, Math.min(limit, set.size()));
    }
    double audio = 0;
    for (EvalSet.Utterance u : set) {
      audio += u.recording().clip().seconds();
    }
    System.out.printf(
        "eval: %d utterances, %.1f min of audio, model %s, load average %s%n",
        set.size(), audio / 60, model.getFileName(), Machine.loadAverage());
    List<Run> runs = new ArrayList<>();
    for (String setting : offline) {
      if (!setting.equals("none")) {
        runs.add(offline(set, setting));
        finish(set, runs, audio);
      }
    }
    for (String ctx : streamed) {
      if (!ctx.equals("none")) {
        runs.add(streamed(set, ctx));
        finish(set, runs, audio);
      }
    }
    if (peerFasterWhisper || peerHypotheses != null) {
      runs.add(peer(set));
      finish(set, runs, audio);
    }
    System.out.println();
    System.out.print(markdown(set, runs));
    return 0;
  }

  /** After each run: its line, and the report so far (a long run that is stopped keeps it). */
  private void finish(List<EvalSet.Utterance> set, List<Run> runs, double audio)
      throws IOException {
    printRun(set, runs.getLast());
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, Json.write(report(set, runs, audio)));
    Files.writeString(out.resolveSibling(out.getFileName() + ".md"), markdown(set, runs));
  }

  /** Every file alone through whisper.cpp with the service's decoding. */
  private Run offline(List<EvalSet.Utterance> set, String setting) throws Exception {
    String[] parts = setting.split(":");
    AudioContext ctx = AudioContext.parse(parts[0]);
    int beam = 1;
    if (parts.length > 1) {
      if (!parts[1].matches("beam\\d+")) {
        throw new IllegalArgumentException("--offline: expected WINDOW[:beamN], not " + setting);
      }
      beam = Integer.parseInt(parts[1].substring(4));
    }
    Map<String, String> texts = new LinkedHashMap<>();
    List<Double> seconds = new ArrayList<>();
    List<Double> cpu = new ArrayList<>();
    try (LocalWhisperRecognizer recognizer =
        // Exactly --threads per call, no lent cores: on a shared machine a second thread that is
        // not scheduled makes whisper.cpp's spinning threads burn CPU for nothing.
        new LocalWhisperRecognizer(model, 1, threads, 0, ctx, true, beam)) {
      recognizer.transcribe(samples(set.getFirst()), Hints.NONE); // warm-up
      for (EvalSet.Utterance u : set) {
        float[] samples = samples(u);
        long start = System.nanoTime();
        long cpuStart = OS.getProcessCpuTime();
        texts.put(u.id(), recognizer.transcribe(samples, Hints.NONE).text());
        seconds.add((System.nanoTime() - start) / 1e9);
        cpu.add((OS.getProcessCpuTime() - cpuStart) / 1e9);
      }
    }
    return new Run("offline " + setting, texts, seconds, cpu);
  }

  private static float[] samples(EvalSet.Utterance u) {
    AudioClip clip = u.recording().clip();
    short[] pcm = Pcm16.toMono(clip.pcm(), clip.channels());
    return Pcm16.toFloat(pcm, 0, pcm.length);
  }

  /**
   * The set as conversations of {@code perSession} utterances of one subset, 1.5 s of silence
   * apart, streamed through a fresh in-process service over a real nats-server; each final goes to
   * the utterance its audio overlaps most (or the nearest), so text in a pause counts as
   * insertions.
   */
  private Run streamed(List<EvalSet.Utterance> set, String ctx) throws Exception {
    Map<String, List<EvalSet.Utterance>> bySubset = new LinkedHashMap<>();
    for (EvalSet.Utterance u : set) {
      bySubset.computeIfAbsent(u.subset(), k -> new ArrayList<>()).add(u);
    }
    List<Conversation> conversations = new ArrayList<>();
    for (List<EvalSet.Utterance> subset : bySubset.values()) {
      for (int i = 0; i < subset.size(); i += perSession) {
        List<Corpus.Recording> picks =
            subset.subList(i, Math.min(subset.size(), i + perSession)).stream()
                .map(EvalSet.Utterance::recording)
                .toList();
        conversations.add(Conversation.of(picks, 0.5, 1.5, 1.5));
      }
    }
    Map<String, String> texts = new HashMap<>();
    try (InProcessService service =
        InProcessService.start(
            model,
            Map.of("STT_WHISPER_THREADS", Integer.toString(threads), "STT_WHISPER_AUDIO_CTX", ctx),
            serviceEnv)) {
      StreamClient client = service.client();
      Semaphore slots = new Semaphore(atOnce);
      List<Future<List<Received>>> futures = new ArrayList<>();
      try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
        for (int i = 0; i < conversations.size(); i++) {
          Conversation c = conversations.get(i);
          String id = "eval-" + i + "-" + System.nanoTime();
          futures.add(
              callers.submit(
                  () -> {
                    slots.acquire();
                    try {
                      // A refused session (service_busy: admission control) is retried, as a
                      // client would, under a new id: refused audio is no word error.
                      for (int attempt = 0; ; attempt++) {
                        String sessionId = id + "-" + attempt;
                        try (StreamClient.Session session = client.listen(sessionId, r -> {})) {
                          client.stream(
                              sessionId,
                              c.clip(),
                              StreamOptions.realTime().withSpeed(speed),
                              session);
                          List<Received> received = session.awaitEnd(Duration.ofSeconds(600));
                          boolean refused =
                              received.stream().anyMatch(r -> "service_busy".equals(r.code()));
                          if (!refused || attempt == 20) {
                            return received;
                          }
                        }
                        Thread.sleep(2_000);
                      }
                    } finally {
                      slots.release();
                    }
                  }));
        }
        Map<String, Integer> errors = new LinkedHashMap<>();
        List<Map<String, Object>> finals = new ArrayList<>();
        streamFinals.put("streamed " + ctx, finals);
        for (int i = 0; i < conversations.size(); i++) {
          List<Received> received = futures.get(i).get();
          texts.putAll(assign(conversations.get(i), received));
          finals.add(finalsOf(conversations.get(i), received));
          received.stream()
              .filter(r -> r.type().equals("error"))
              .forEach(r -> errors.merge(r.code(), 1, Integer::sum));
        }
        streamErrors.put("streamed " + ctx, errors);
        if (!errors.isEmpty()) {
          System.out.println(
              "streamed "
                  + ctx
                  + ": the service sent errors "
                  + errors
                  + " (audio it refused counts as deleted words; slow the stream with --speed or"
                  + " raise STT_SESSION_BACKLOG_SECONDS with --service-env)");
        }
      }
    }
    return new Run("streamed " + ctx, texts, List.of(), List.of());
  }

  /** One conversation's utterance spans and every final it got, text or not. */
  private static Map<String, Object> finalsOf(Conversation c, List<Received> out) {
    List<Map<String, Object>> spans = new ArrayList<>();
    for (Conversation.Utterance u : c.utterances()) {
      spans.add(Map.of("id", u.name(), "start", u.start(), "end", u.end()));
    }
    List<Map<String, Object>> finals = new ArrayList<>();
    for (Received r : out) {
      if (r.isTranscription() && (r.isFinal() || r.isPartial())) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("start", r.number("audio_start"));
        f.put("end", r.number("audio_end"));
        f.put("final", r.isFinal());
        f.put("voice", r.fields().get("has_voice_activity"));
        f.put("text", r.transcript());
        finals.add(f);
      }
    }
    return Map.of("utterances", spans, "results", finals);
  }

  /** Each final with text to the utterance whose span it overlaps most, else the nearest. */
  static Map<String, String> assign(Conversation c, List<Received> out) {
    Map<String, StringBuilder> texts = new LinkedHashMap<>();
    for (Conversation.Utterance u : c.utterances()) {
      texts.put(u.name(), new StringBuilder());
    }
    for (Received r : out) {
      if (!r.isTranscription() || r.transcript().isBlank()) {
        continue;
      }
      double start = r.number("audio_start");
      double end = r.number("audio_end");
      Conversation.Utterance best = null;
      double bestScore = Double.NEGATIVE_INFINITY;
      for (Conversation.Utterance u : c.utterances()) {
        double overlap = Math.min(end, u.end()) - Math.max(start, u.start());
        double distance = Math.abs((start + end) / 2 - (u.start() + u.end()) / 2);
        double score = overlap > 0 ? overlap : -distance - 1e6;
        if (score > bestScore) {
          bestScore = score;
          best = u;
        }
      }
      StringBuilder text = texts.get(best.name());
      text.append(text.isEmpty() ? "" : " ").append(r.transcript().strip());
    }
    Map<String, String> result = new LinkedHashMap<>();
    texts.forEach((k, v) -> result.put(k, v.toString()));
    return result;
  }

  /** faster-whisper on every file, by scripts/eval/peer_faster_whisper.py. */
  private Run peer(List<EvalSet.Utterance> set) throws IOException, InterruptedException {
    Path hypotheses = peerHypotheses != null ? peerHypotheses : runPeer(set);
    ObjectMapper json = new ObjectMapper();
    Map<String, String> texts = new HashMap<>();
    List<Double> seconds = new ArrayList<>();
    for (String line : Files.readAllLines(hypotheses)) {
      JsonNode n = json.readTree(line);
      texts.put(n.path("id").asText(), n.path("text").asText());
      seconds.add(n.path("seconds").asDouble());
    }
    return new Run("faster-whisper int8 beam 5 full", texts, seconds, List.of());
  }

  /** Runs the peer on the set; the file of its hypotheses. */
  private Path runPeer(List<EvalSet.Utterance> set) throws IOException, InterruptedException {
    Path dir = out.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path subset = dir.resolve("peer-manifest.jsonl");
    ObjectMapper json = new ObjectMapper();
    List<String> lines = new ArrayList<>();
    for (EvalSet.Utterance u : set) {
      lines.add(json.writeValueAsString(Map.of("id", u.id(), "wav", u.wav().toString())));
    }
    Files.write(subset, lines);
    Path hypotheses = dir.resolve("peer-faster-whisper.jsonl");
    ProcessBuilder command =
        new ProcessBuilder(
                "python3",
                "scripts/eval/peer_faster_whisper.py",
                "--manifest",
                subset.toString(),
                "--model-dir",
                "models/ct2-tiny.en",
                "--threads",
                Integer.toString(Runtime.getRuntime().availableProcessors()),
                "--out",
                hypotheses.toString())
            .inheritIO();
    command.environment().put("PYTHONPATH", ".cache/pydeps-eval");
    int exit = command.start().waitFor();
    if (exit != 0) {
      throw new IOException("peer_faster_whisper.py exited with " + exit);
    }
    return hypotheses;
  }

  /** The groups a table shows: every subset, every noisy subset's SNRs, and the whole set. */
  private static List<String> groups(List<EvalSet.Utterance> set) {
    List<String> groups = new ArrayList<>();
    for (EvalSet.Utterance u : set) {
      if (!groups.contains(u.subset())) {
        groups.add(u.subset());
      }
    }
    TreeSet<String> snrs = new TreeSet<>((a, b) -> compareGroups(a, b));
    for (EvalSet.Utterance u : set) {
      if (u.snr() != null) {
        snrs.add(u.group());
      }
    }
    groups.addAll(snrs);
    groups.add("all");
    return groups;
  }

  private static int compareGroups(String a, String b) {
    String[] x = a.split(" ");
    String[] y = b.split(" ");
    int c = x[0].compareTo(y[0]);
    return c != 0 ? c : Integer.compare(Integer.parseInt(x[1]), Integer.parseInt(y[1]));
  }

  private static boolean inGroup(EvalSet.Utterance u, String group) {
    return group.equals("all") || group.equals(u.subset()) || group.equals(u.group());
  }

  static WordErrorRate.Score score(List<EvalSet.Utterance> set, Run run, String group) {
    WordErrorRate.Score total = new WordErrorRate.Score(0, 0);
    for (EvalSet.Utterance u : set) {
      if (inGroup(u, group)) {
        total =
            total.plus(WordErrorRate.score(u.text(), run.hypotheses().getOrDefault(u.id(), "")));
      }
    }
    return total;
  }

  private Map<String, Object> report(List<EvalSet.Utterance> set, List<Run> runs, double audio) {
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("date", Instant.now().toString());
    report.put("machine", Machine.describe());
    report.put("model", model.getFileName().toString());
    report.put("utterances", set.size());
    report.put("audio_seconds", audio);
    report.put("threads", threads);
    report.put("streaming_speed", speed);
    report.put("service_env", serviceEnv);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Run run : runs) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("run", run.name());
      Map<String, Object> wer = new LinkedHashMap<>();
      for (String g : groups(set)) {
        WordErrorRate.Score s = score(set, run, g);
        wer.put(g, Map.of("wer", s.rate(), "errors", s.errors(), "words", s.referenceWords()));
      }
      row.put("wer", wer);
      if (!run.seconds().isEmpty()) {
        Percentiles p = Percentiles.of(run.seconds());
        row.put("seconds_per_utterance", Map.of("p50", p.p50(), "p95", p.p95(), "mean", p.mean()));
      }
      if (!run.cpuSeconds().isEmpty()) {
        Percentiles p = Percentiles.of(run.cpuSeconds());
        row.put(
            "cpu_seconds_per_utterance", Map.of("p50", p.p50(), "p95", p.p95(), "mean", p.mean()));
      }
      Map<String, String> hypotheses = new LinkedHashMap<>();
      for (EvalSet.Utterance u : set) {
        hypotheses.put(u.id(), run.hypotheses().getOrDefault(u.id(), ""));
      }
      if (streamErrors.containsKey(run.name())) {
        row.put("service_errors", streamErrors.get(run.name()));
      }
      if (streamFinals.containsKey(run.name())) {
        row.put("conversations", streamFinals.get(run.name()));
      }
      row.put("hypotheses", hypotheses);
      rows.add(row);
    }
    report.put("runs", rows);
    return report;
  }

  private static void printRun(List<EvalSet.Utterance> set, Run run) {
    WordErrorRate.Score all = score(set, run, "all");
    String time = "";
    if (!run.seconds().isEmpty()) {
      Percentiles p = Percentiles.of(run.seconds());
      time = String.format(" | decode p50 %.3f s mean %.3f s", p.p50(), p.mean());
    }
    if (!run.cpuSeconds().isEmpty()) {
      time += String.format(" | CPU mean %.3f s", Percentiles.of(run.cpuSeconds()).mean());
    }
    System.out.printf(
        "%-34s WER %.1f%% (%d/%d)%s | load average %s%n",
        run.name(),
        100 * all.rate(),
        all.errors(),
        all.referenceWords(),
        time,
        Machine.loadAverage());
  }

  /** Rows: runs; columns: WER per group, then decoding time. */
  static String markdown(List<EvalSet.Utterance> set, List<Run> runs) {
    List<String> groups = groups(set);
    StringBuilder md = new StringBuilder("| run |");
    StringBuilder rule = new StringBuilder("|---|");
    for (String g : groups) {
      long n = set.stream().filter(u -> inGroup(u, g)).count();
      md.append(' ').append(g).append(" (").append(n).append(") |");
      rule.append("---|");
    }
    md.append(" decode p50 / mean s | CPU s per utterance |\n").append(rule).append("---|---|\n");
    for (Run run : runs) {
      md.append("| ").append(run.name()).append(" |");
      for (String g : groups) {
        md.append(String.format(" %.1f |", 100 * score(set, run, g).rate()));
      }
      if (run.seconds().isEmpty()) {
        md.append(" — |");
      } else {
        Percentiles p = Percentiles.of(run.seconds());
        md.append(String.format(" %.3f / %.3f |", p.p50(), p.mean()));
      }
      md.append(
          run.cpuSeconds().isEmpty()
              ? " — |\n"
              : String.format(" %.3f |%n", Percentiles.of(run.cpuSeconds()).mean()));
    }
    return md.toString();
  }
}
