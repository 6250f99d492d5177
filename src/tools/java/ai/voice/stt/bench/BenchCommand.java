package ai.voice.stt.bench;

import ai.voice.stt.client.StreamClient;
import ai.voice.stt.config.ConfigLoader;
import ai.voice.stt.config.SttConfig.AudioContext;
import ai.voice.stt.eval.Corpus;
import ai.voice.stt.tools.ChildJvm;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code stt bench}: the service under load against the floor, in one run. Starts its own
 * nats-server and, for each load level, a fresh service process (so CPU and peak RSS are the
 * service's alone), streams N conversations of real recordings at real-time pace, then measures the
 * floor on the same utterances.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Load test: N concurrent real-time sessions against the raw whisper.cpp floor.")
public final class BenchCommand implements Callable<Integer> {
  // Highest load whose p95 final latency stays under this is the capacity figure.
  static final double CAPACITY_P95_SECONDS = 1.5;

  @Option(
      names = "--sessions",
      split = ",",
      defaultValue = "1,2,4,8,16,32",
      description = "load levels (default: ${DEFAULT-VALUE})")
  List<Integer> sessionCounts;

  @Option(
      names = "--utterances",
      defaultValue = "4",
      description = "utterances per session (default: ${DEFAULT-VALUE})")
  int utterancesPerSession;

  @Option(
      names = "--pause",
      defaultValue = "1.5",
      description = "seconds between utterances (default: ${DEFAULT-VALUE})")
  double pause;

  @Option(
      names = "--threads",
      defaultValue = "1",
      description = "whisper threads per worker (default: ${DEFAULT-VALUE})")
  int threads;

  @Option(
      names = "--elastic-threads",
      arity = "1",
      defaultValue = "true",
      description =
          "true or false: idle workers lend their cores to running calls (STT_ELASTIC_THREADS;"
              + " default: ${DEFAULT-VALUE}, as the service)")
  boolean elasticThreads;

  @Option(
      names = "--workers",
      defaultValue = "0",
      description = "inference workers; 0 = cores / threads")
  int workers;

  @Option(names = "--model", defaultValue = ConfigLoader.PROJECT_MODEL)
  Path model;

  @Option(names = "--fixtures", defaultValue = "fixtures")
  Path fixtures;

  @Option(names = "--audio-ctx", defaultValue = "auto", description = "auto, full or frames")
  String audioCtx;

  @Option(
      names = "--routing",
      defaultValue = "plain",
      description =
          "plain: the service subscribes to the input (one replica); jetstream: the input goes"
              + " through a stream and per-session claims, as with several replicas (needs a"
              + " nats-server with JetStream, 2.11+: --nats-server)")
  String routing;

  @Option(
      names = "--nats-server",
      description = "nats-server binary (default: $STT_NATS_SERVER, else nats-server on PATH)")
  String natsServer;

  @Option(
      names = "--hesitation-ms",
      defaultValue = "0",
      description =
          "silence put in the middle of each utterance (a speaker who stops and goes on: wasted"
              + " speculation, aborted decodes); 0: none (default: ${DEFAULT-VALUE})")
  int hesitationMs;

  @Option(
      names = "--interim",
      description = "sessions ask for interim results (first interim, stable-prefix lag)")
  boolean interim;

  @Option(
      names = "--turn-events",
      description =
          "sessions ask for end-of-turn events, so their turns are judged (STT_TURN_DETECTION;"
              + " with STT_TURN_DETECTION=both the turn model runs at their pauses)")
  boolean turnEvents;

  @Option(
      names = "--service-env",
      description =
          "KEY=VALUE for the service, repeatable: compare settings in one tool (e.g."
              + " STT_SPECULATIVE=false, STT_SENTENCE_END_SILENCE_MS=600)")
  Map<String, String> serviceEnv = new LinkedHashMap<>();

  @Option(
      names = "--peer-whisperlive",
      description =
          "also stream the first session's conversation to WhisperLive 0.10.0 (same tiny.en"
              + " weights; installed on demand into .cache, several GB)")
  boolean peerWhisperLive;

  @Option(
      names = "--health-port",
      defaultValue = "0",
      description =
          "the service's /metrics port at every level (0: a free one each time); a fixed one lets"
              + " a Prometheus scrape the whole run (scripts/dashboard-picture.sh)")
  int fixedHealthPort;

  @Option(names = "--out", defaultValue = "target/bench/bench.json")
  Path out;

  @Option(
      names = "--service-java-opts",
      defaultValue = "",
      description = "JVM flags for the service process, e.g. \"-Xmx256m\" as a pod limit would set")
  String serviceJavaOpts;

  @Option(
      names = "--soak",
      description =
          "instead of load levels, a soak: --soak-sessions callers for this long (e.g. 10m, 90s,"
              + " 1h), sampled every --soak-window")
  String soak;

  @Option(
      names = "--soak-sessions",
      defaultValue = "4",
      description =
          "callers during a soak, each one conversation after another (default: ${DEFAULT-VALUE}, half the measured capacity)")
  int soakSessions;

  @Option(
      names = "--soak-window",
      defaultValue = "1m",
      description = "sampling window of a soak (default: ${DEFAULT-VALUE})")
  String soakWindow;

  @Option(names = "--soak-out", defaultValue = "target/bench/soak.json")
  Path soakOut;

  @Override
  public Integer call() throws Exception {
    int cores = Runtime.getRuntime().availableProcessors();
    int workerCount = workers > 0 ? workers : Math.max(1, cores / threads);
    List<Corpus.Recording> corpus = Corpus.load(fixtures);
    if (soak != null) {
      return soak(
          corpus,
          workerCount,
          parseDuration("--soak", soak),
          parseDuration("--soak-window", soakWindow));
    }
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("date", Instant.now().toString());
    report.put("machine", Machine.describe());
    report.put("model", model.getFileName().toString());
    report.put("threads_per_worker", threads);
    report.put("elastic_threads", elasticThreads);
    report.put("workers", workerCount);
    report.put("audio_ctx", audioCtx);
    report.put("utterances_per_session", utterancesPerSession);
    report.put("pause_seconds", pause);
    report.put("hesitation_seconds", hesitationMs / 1000.0);
    report.put("service_java_opts", serviceJavaOpts);
    report.put("routing", routing);
    report.put("interim_results", interim);
    report.put("turn_events", turnEvents);
    report.put("service_env", serviceEnv);

    List<Map<String, Object>> levels = new ArrayList<>();
    int port = freePort();
    Path store = Files.createTempDirectory("stt-bench-js-");
    try (ChildProcess nats =
        new ChildProcess(natsCommand(port, store), Map.of(), "Server is ready")) {
      nats.awaitReady(Duration.ofSeconds(10));
      String url = "nats://127.0.0.1:" + port;
      for (int n : sessionCounts) {
        Map<String, Object> level = runLevel(url, n, corpus, workerCount, nats);
        levels.add(level);
        printLevel(level);
      }
    } finally {
      try (var files = Files.walk(store)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
    report.put("load", levels);
    if (peerWhisperLive) {
      Map<String, Object> peer =
          WhisperLivePeer.run(
              conversations(1, corpus).getFirst(),
              out.toAbsolutePath().getParent().resolve("whisperlive"),
              threads);
      report.put("peer_whisperlive", peer);
      System.out.printf(
          "%npeer %s, same conversation as N=1: first text after onset p50 %.2f s | text reaching"
              + " the last word after speech end p50 %.2f s | final (completed) after speech end"
              + " p50 %.2f s | WER %.1f%% | CPU %.1f s%n",
          peer.get("peer"),
          ((Map<?, ?>) peer.get("first_text_after_onset")).get("p50"),
          ((Map<?, ?>) peer.get("text_covering_end_after_speech_end")).get("p50"),
          ((Map<?, ?>) peer.get("final_after_speech_end")).get("p50"),
          100 * (double) peer.get("mean_wer"),
          peer.get("cpu_seconds"));
    }
    report.put("capacity_sessions", capacity(levels));

    FloorRun.Floor floor =
        FloorRun.measure(
            model,
            corpus,
            threads,
            elasticThreads ? cores : 0,
            workerCount,
            AudioContext.parse(audioCtx));
    Map<String, Object> floorReport = new LinkedHashMap<>();
    floorReport.put("latency", percentiles(Percentiles.of(floor.latencies())));
    floorReport.put("audio_seconds_per_second", floor.audioSecondsPerSecond());
    report.put("floor", floorReport);
    System.out.printf(
        "%nfloor (whisper.cpp alone, same thread allotment): p50 %.3f s  p95 %.3f s  throughput %.1f audio s/s%n",
        Percentiles.of(floor.latencies()).p50(),
        Percentiles.of(floor.latencies()).p95(),
        floor.audioSecondsPerSecond());
    levels.stream()
        .filter(l -> (int) l.get("sessions") == 1)
        .findFirst()
        .ifPresent(
            one -> {
              double service = (double) ((Map<?, ?>) one.get("after_endpoint")).get("p50");
              double ratio = service / Percentiles.of(floor.latencies()).p50();
              report.put("service_over_floor_n1", ratio);
              System.out.printf("service/floor at N=1 (p50, after end-pointing): %.2f%n", ratio);
            });
    System.out.printf(
        "capacity (p95 final latency < %.1f s): %s sessions%n",
        CAPACITY_P95_SECONDS, report.get("capacity_sessions"));

    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, Json.write(report));
    System.out.println("wrote " + out);
    return 0;
  }

  private List<String> natsCommand(int port, Path store) {
    String binary = natsServer;
    if (binary == null) {
      String fromEnv = System.getenv("STT_NATS_SERVER");
      binary = fromEnv == null || fromEnv.isBlank() ? "nats-server" : fromEnv;
    }
    List<String> command =
        new ArrayList<>(List.of(binary, "-a", "127.0.0.1", "-p", Integer.toString(port)));
    if (routing.equals("jetstream")) {
      command.addAll(List.of("-js", "-sd", store.toString()));
    } else if (!routing.equals("plain")) {
      throw new IllegalArgumentException("--routing must be plain or jetstream, not " + routing);
    }
    return command;
  }

  private Map<String, Object> runLevel(
      String natsUrl, int n, List<Corpus.Recording> corpus, int workerCount, ChildProcess nats)
      throws Exception {
    List<Conversation> conversations = conversations(n, corpus);
    Map<String, String> env = serviceEnvironment(natsUrl, workerCount, n);
    int healthPort = fixedHealthPort > 0 ? fixedHealthPort : freePort();
    env.put("STT_HEALTH_PORT", Integer.toString(healthPort));
    try (ChildProcess service =
        new ChildProcess(serviceCommand(serviceJavaOpts), env, "voice-stt ready")) {
      service.awaitReady(Duration.ofSeconds(120));
      Connection connection = Nats.connect(Options.builder().server(natsUrl).build());
      try {
        StreamClient client =
            new StreamClient(connection, "ai.voice.stream", "ai.voice.transcription");
        double endpoint = ConfigLoader.DEFAULT_ENDPOINT_SILENCE.toMillis() / 1000.0;
        LoadRun load = new LoadRun(client, endpoint, 0.21, interim, turnEvents);
        double cpuBefore = service.cpuSeconds();
        double natsCpuBefore = nats.cpuSeconds();
        long start = System.nanoTime();
        List<LoadRun.SessionOutcome> outcomes;
        Map<String, Object> signals;
        try (ScalingSignals sampled = new ScalingSignals(healthPort, 500)) {
          outcomes = load.run(conversations, Duration.ofSeconds(300));
          signals = sampled.summary();
        }
        double wall = (System.nanoTime() - start) / 1e9;
        double cpu = service.cpuSeconds() - cpuBefore;
        Map<String, Object> level =
            summarize(n, conversations, outcomes, wall, cpu, service.peakRssMiB());
        double audio = conversations.stream().mapToDouble(c -> c.clip().seconds()).sum();
        double chunks = audio / 0.02;
        level.put("nats_server_cpu_percent", 100 * (nats.cpuSeconds() - natsCpuBefore) / wall);
        // CPU per 20 ms chunk, service and nats-server together: what routing adds per chunk.
        level.put(
            "cpu_microseconds_per_chunk", 1e6 * (cpu + nats.cpuSeconds() - natsCpuBefore) / chunks);
        String metrics = ServiceMetrics.scrape(healthPort);
        double used = ServiceMetrics.value(metrics, "stt_speculative_total", "outcome=\"used\"");
        double wasted =
            ServiceMetrics.value(metrics, "stt_speculative_total", "outcome=\"wasted\"");
        level.put("speculative_used", used);
        level.put("speculative_wasted", wasted);
        level.put("interims", ServiceMetrics.value(metrics, "stt_interims_total", ""));
        // The service's CPU for each second of audio streamed: what aborting useless decodes
        // lowers (decisions/0031), with what the service itself counts as aborted and saved.
        level.put("cpu_seconds_per_audio_second", cpu / audio);
        level.put(
            "decodes_aborted", ServiceMetrics.value(metrics, "stt_decodes_aborted_total", ""));
        level.put(
            "decodes_aborted_cpu_saved_seconds",
            ServiceMetrics.value(metrics, "stt_decodes_aborted_cpu_saved_seconds_total", ""));
        level.put(
            "decodes_aborted_cpu_spent_seconds",
            ServiceMetrics.value(metrics, "stt_decodes_aborted_cpu_spent_seconds_total", ""));
        // The recognizer's own CPU, and the part spent on answers that became useless, measured
        // alike with aborting on and off: with interims on, the work aborting frees is taken by
        // more interims and speculations (they run only on idle workers), so the service's CPU
        // per audio second does not fall by it; the useless part does.
        double decodeCpu = ServiceMetrics.value(metrics, "stt_decodes_cpu_seconds_total", "");
        double uselessCpu =
            ServiceMetrics.value(metrics, "stt_decodes_useless_cpu_seconds_total", "");
        level.put("decode_cpu_seconds_per_audio_second", decodeCpu / audio);
        level.put("useless_decode_cpu_seconds_per_audio_second", uselessCpu / audio);
        level.put("scaling_signals", signals);
        return level;
      } finally {
        connection.close();
      }
    }
  }

  /** The conversations of {@code n} callers: the corpus's recordings in turn, with pauses. */
  private List<Conversation> conversations(int n, List<Corpus.Recording> corpus) {
    List<Conversation> conversations = new ArrayList<>();
    for (int s = 0; s < n; s++) {
      List<Corpus.Recording> picks = new ArrayList<>();
      for (int u = 0; u < utterancesPerSession; u++) {
        picks.add(corpus.get((s * utterancesPerSession + u) % corpus.size()));
      }
      conversations.add(Conversation.of(picks, 0.5, pause, 1.5, hesitationMs / 1000.0));
    }
    return conversations;
  }

  private Map<String, String> serviceEnvironment(String natsUrl, int workerCount, int sessions) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("NATS_URL", natsUrl);
    env.put("STT_MODEL_PATH", model.toString());
    env.put("STT_WHISPER_THREADS", Integer.toString(threads));
    env.put("STT_ELASTIC_THREADS", Boolean.toString(elasticThreads));
    env.put("STT_INFERENCE_WORKERS", Integer.toString(workerCount));
    env.put("STT_WHISPER_AUDIO_CTX", audioCtx);
    env.put("STT_MAX_SESSIONS", Integer.toString(Math.max(256, sessions)));
    env.put("STT_ROUTING", routing);
    env.putAll(serviceEnv);
    return env;
  }

  /**
   * {@code --soak}: one service process under a steady load for the whole duration; prints a row
   * per window and the trends (least-squares slopes after the first, warm-up window).
   */
  private int soak(
      List<Corpus.Recording> corpus, int workerCount, Duration duration, Duration window)
      throws Exception {
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("date", Instant.now().toString());
    report.put("machine", Machine.describe());
    report.put("load_average_at_start", Machine.loadAverage());
    report.put("model", model.getFileName().toString());
    report.put("threads_per_worker", threads);
    report.put("workers", workerCount);
    report.put("sessions", soakSessions);
    report.put("duration_seconds", duration.toSeconds());
    report.put("window_seconds", window.toSeconds());
    report.put("service_java_opts", serviceJavaOpts);
    System.out.printf(
        "soak: %d callers for %s, windows of %s, %d worker(s) x %d thread(s), load average %s%n",
        soakSessions, duration, window, workerCount, threads, Machine.loadAverage());
    List<SoakRun.Window> windows;
    int port = freePort();
    try (ChildProcess nats =
        new ChildProcess(
            List.of("nats-server", "-a", "127.0.0.1", "-p", Integer.toString(port)),
            Map.of(),
            "Server is ready")) {
      nats.awaitReady(Duration.ofSeconds(10));
      String url = "nats://127.0.0.1:" + port;
      try (ChildProcess service =
          new ChildProcess(
              serviceCommand(serviceJavaOpts),
              serviceEnvironment(url, workerCount, soakSessions),
              "voice-stt ready")) {
        service.awaitReady(Duration.ofSeconds(120));
        Connection connection = Nats.connect(Options.builder().server(url).build());
        try {
          StreamClient client =
              new StreamClient(connection, "ai.voice.stream", "ai.voice.transcription");
          double endpoint = ConfigLoader.DEFAULT_ENDPOINT_SILENCE.toMillis() / 1000.0;
          SoakRun run =
              new SoakRun(
                  new LoadRun(client, endpoint, 0.21),
                  service,
                  corpus,
                  utterancesPerSession,
                  pause);
          windows = run.run(soakSessions, duration, window);
          report.put("service_peak_rss_mib", service.peakRssMiB());
        } finally {
          connection.close();
        }
      }
    }
    report.put("load_average_at_end", Machine.loadAverage());
    // The drain row (last) is not a full window; the first includes JIT and heap warm-up.
    List<SoakRun.Window> timed = windows.subList(0, windows.size() - 1);
    List<SoakRun.Window> steady = timed.subList(Math.min(1, timed.size()), timed.size());
    List<SoakRun.Window> secondHalf = timed.subList(timed.size() / 2, timed.size());
    double rssSlope = rssSlope(steady);
    double p95Slope = p95Slope(steady);
    double rssSlopeSecondHalf = rssSlope(secondHalf);
    double p95SlopeSecondHalf = p95Slope(secondHalf);
    int errors = windows.stream().mapToInt(SoakRun.Window::errors).sum();
    int lost = windows.stream().mapToInt(SoakRun.Window::lost).sum();
    int incomplete = windows.stream().mapToInt(SoakRun.Window::incomplete).sum();
    int conversations = windows.stream().mapToInt(SoakRun.Window::conversations).sum();
    int utterances = windows.stream().mapToInt(SoakRun.Window::utterances).sum();
    List<Map<String, Object>> rows = new ArrayList<>();
    for (SoakRun.Window w : windows) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("end_minutes", w.endMinutes());
      row.put("conversations", w.conversations());
      row.put("utterances", w.utterances());
      row.put("final_latency", percentiles(w.finalLatency()));
      row.put("errors", w.errors());
      row.put("lost_results", w.lost());
      row.put("incomplete_sessions", w.incomplete());
      row.put("rss_mib", w.rssMiB());
      row.put("cpu_percent", w.cpuPercent());
      rows.add(row);
    }
    report.put("windows", rows);
    report.put("conversations", conversations);
    report.put("utterances", utterances);
    report.put("errors", errors);
    report.put("lost_results", lost);
    report.put("incomplete_sessions", incomplete);
    report.put("rss_slope_mib_per_minute", rssSlope);
    report.put("p95_slope_seconds_per_minute", p95Slope);
    report.put("rss_slope_second_half_mib_per_minute", rssSlopeSecondHalf);
    report.put("p95_slope_second_half_seconds_per_minute", p95SlopeSecondHalf);
    System.out.printf(
        "%nsoak: %d conversations, %d utterances, errors %d, lost %d, incomplete %d%n"
            + "trend after the first window: RSS %+.2f MiB/min, final p95 %+.3f s/min%n"
            + "trend over the second half:   RSS %+.2f MiB/min, final p95 %+.3f s/min%n",
        conversations,
        utterances,
        errors,
        lost,
        incomplete,
        rssSlope,
        p95Slope,
        rssSlopeSecondHalf,
        p95SlopeSecondHalf);
    Files.createDirectories(soakOut.toAbsolutePath().getParent());
    Files.writeString(soakOut, Json.write(report));
    System.out.println("wrote " + soakOut);
    return errors == 0 && lost == 0 && incomplete == 0 ? 0 : 1;
  }

  private static double rssSlope(List<SoakRun.Window> windows) {
    return SoakRun.slope(
        windows.stream().map(SoakRun.Window::endMinutes).toList(),
        windows.stream().map(SoakRun.Window::rssMiB).toList());
  }

  private static double p95Slope(List<SoakRun.Window> windows) {
    return SoakRun.slope(
        windows.stream().map(SoakRun.Window::endMinutes).toList(),
        windows.stream().map(w -> w.finalLatency().p95()).toList());
  }

  /** "10m", "90s", "1h", "1h30m" or plain seconds. */
  static Duration parseDuration(String option, String text) {
    String t = text.trim().toLowerCase(java.util.Locale.ROOT);
    try {
      if (t.matches("\\d+(\\.\\d+)?")) {
        return Duration.ofMillis(Math.round(Double.parseDouble(t) * 1000));
      }
      return Duration.parse("PT" + t.toUpperCase(java.util.Locale.ROOT));
    } catch (RuntimeException e) {
      throw new picocli.CommandLine.ParameterException(
          new picocli.CommandLine(new BenchCommand()),
          option + ": '" + text + "' is not a duration such as 10m, 90s or 1h");
    }
  }

  private static Map<String, Object> summarize(
      int n,
      List<Conversation> conversations,
      List<LoadRun.SessionOutcome> outcomes,
      double wall,
      double cpu,
      double peakRss) {
    List<LoadRun.UtteranceMeasure> all =
        outcomes.stream().flatMap(o -> o.utterances().stream()).toList();
    double audioSeconds = conversations.stream().mapToDouble(c -> c.clip().seconds()).sum();
    Map<String, Object> level = new LinkedHashMap<>();
    level.put("sessions", n);
    level.put("utterances", all.size());
    level.put(
        "final_latency",
        percentiles(
            Percentiles.of(all.stream().map(LoadRun.UtteranceMeasure::finalLatency).toList())));
    level.put(
        "first_result_latency",
        percentiles(
            Percentiles.of(all.stream().map(LoadRun.UtteranceMeasure::firstLatency).toList())));
    level.put(
        "after_endpoint",
        percentiles(
            Percentiles.of(all.stream().map(LoadRun.UtteranceMeasure::afterEndpoint).toList())));
    level.put(
        "inference",
        percentiles(
            Percentiles.of(all.stream().map(LoadRun.UtteranceMeasure::inference).toList())));
    level.put(
        "queue",
        percentiles(Percentiles.of(all.stream().map(LoadRun.UtteranceMeasure::queue).toList())));
    level.put(
        "speech_end_to_final",
        percentiles(measured(all, LoadRun.UtteranceMeasure::speechEndToFinal)));
    level.put(
        "speech_end_to_final_after_sentence",
        percentiles(
            measured(
                all.stream().filter(LoadRun.UtteranceMeasure::endsSentence).toList(),
                LoadRun.UtteranceMeasure::speechEndToFinal)));
    level.put(
        "speech_end_to_final_otherwise",
        percentiles(
            measured(
                all.stream().filter(m -> !m.endsSentence()).toList(),
                LoadRun.UtteranceMeasure::speechEndToFinal)));
    level.put(
        "first_interim_after_onset",
        percentiles(measured(all, LoadRun.UtteranceMeasure::firstInterim)));
    level.put(
        "text_covering_end_after_speech_end",
        percentiles(measured(all, LoadRun.UtteranceMeasure::coveringEnd)));
    level.put("stable_prefix_lag", percentiles(measured(all, LoadRun.UtteranceMeasure::stableLag)));
    long split = all.stream().filter(m -> m.finals() > 1).count();
    level.put("utterances_cut_mid_sentence", split);
    level.put("mid_sentence_cut_rate", all.isEmpty() ? 0 : split / (double) all.size());
    level.put(
        "mean_wer",
        all.stream().mapToDouble(LoadRun.UtteranceMeasure::wer).average().orElse(Double.NaN));
    level.put("audio_seconds_per_second", audioSeconds / wall);
    level.put("cpu_percent", 100 * cpu / wall);
    level.put("peak_rss_mib", peakRss);
    level.put("errors", outcomes.stream().mapToInt(LoadRun.SessionOutcome::errors).sum());
    level.put(
        "lost_results", outcomes.stream().mapToInt(LoadRun.SessionOutcome::lostUtterances).sum());
    level.put("incomplete_sessions", outcomes.stream().filter(o -> !o.complete()).count());
    return level;
  }

  /** One measure of every utterance that has it (NaN: it never happened, e.g. no interims). */
  private static Percentiles measured(
      List<LoadRun.UtteranceMeasure> all,
      java.util.function.ToDoubleFunction<LoadRun.UtteranceMeasure> measure) {
    return Percentiles.of(
        all.stream().mapToDouble(measure).filter(v -> !Double.isNaN(v)).boxed().toList());
  }

  private static Map<String, Object> percentiles(Percentiles p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("p50", p.p50());
    m.put("p95", p.p95());
    m.put("p99", p.p99());
    m.put("max", p.max());
    m.put("mean", p.mean());
    m.put("count", p.count());
    return m;
  }

  private static Object capacity(List<Map<String, Object>> levels) {
    int best = 0;
    for (Map<String, Object> level : levels) {
      double p95 = (double) ((Map<?, ?>) level.get("final_latency")).get("p95");
      boolean clean = (int) level.get("errors") == 0 && (int) level.get("lost_results") == 0;
      if (p95 < CAPACITY_P95_SECONDS && clean) {
        best = Math.max(best, (int) level.get("sessions"));
      }
    }
    return best;
  }

  private static void printLevel(Map<String, Object> l) {
    Map<?, ?> fin = (Map<?, ?>) l.get("final_latency");
    Map<?, ?> after = (Map<?, ?>) l.get("after_endpoint");
    Map<?, ?> inf = (Map<?, ?>) l.get("inference");
    Map<?, ?> queue = (Map<?, ?>) l.get("queue");
    System.out.printf(
        "N=%-3d utt=%-4d final p50/p95/p99 %.2f/%.2f/%.2f s | after-endpoint p50 %.2f s | inference p50 %.2f s | queue p95 %.2f s | %.1f audio s/s | CPU %.0f%% + nats %.1f%% | RSS %.0f MiB | errors %s lost %s WER %.1f%%%n",
        l.get("sessions"),
        l.get("utterances"),
        fin.get("p50"),
        fin.get("p95"),
        fin.get("p99"),
        after.get("p50"),
        inf.get("p50"),
        queue.get("p95"),
        l.get("audio_seconds_per_second"),
        l.get("cpu_percent"),
        l.get("nats_server_cpu_percent"),
        l.get("peak_rss_mib"),
        l.get("errors"),
        l.get("lost_results"),
        100 * (double) l.get("mean_wer"));
    System.out.printf(
        "      speech end -> final p50/p95 %.2f/%.2f s (p50 after a sentence %.2f s of %s, otherwise"
            + " %.2f s of %s) | first interim after onset p50 %.2f s |"
            + " text covering the end p50 %.2f s | stable-prefix lag p50 %.2f s | speculative"
            + " used %.0f wasted %.0f | cut mid-sentence %s%n",
        ((Map<?, ?>) l.get("speech_end_to_final")).get("p50"),
        ((Map<?, ?>) l.get("speech_end_to_final")).get("p95"),
        ((Map<?, ?>) l.get("speech_end_to_final_after_sentence")).get("p50"),
        ((Map<?, ?>) l.get("speech_end_to_final_after_sentence")).get("count"),
        ((Map<?, ?>) l.get("speech_end_to_final_otherwise")).get("p50"),
        ((Map<?, ?>) l.get("speech_end_to_final_otherwise")).get("count"),
        ((Map<?, ?>) l.get("first_interim_after_onset")).get("p50"),
        ((Map<?, ?>) l.get("text_covering_end_after_speech_end")).get("p50"),
        ((Map<?, ?>) l.get("stable_prefix_lag")).get("p50"),
        l.get("speculative_used"),
        l.get("speculative_wasted"),
        l.get("utterances_cut_mid_sentence"));
    System.out.printf(
        "      CPU per audio second %.3f s (recognizer %.3f s, on useless answers %.4f s) |"
            + " interims %.0f | decodes aborted %.0f, CPU saved %.1f s (they had spent %.1f s)%n",
        l.get("cpu_seconds_per_audio_second"),
        l.get("decode_cpu_seconds_per_audio_second"),
        l.get("useless_decode_cpu_seconds_per_audio_second"),
        l.get("interims"),
        l.get("decodes_aborted"),
        l.get("decodes_aborted_cpu_saved_seconds"),
        l.get("decodes_aborted_cpu_spent_seconds"));
    Map<?, ?> signals = (Map<?, ?>) l.get("scaling_signals");
    System.out.printf(
        "      scaling signals (mean/p95 of %s samples): sessions %.1f/%.0f | utterances waiting"
            + " %.2f/%.0f | recognizer busy %.2f/%.2f%n",
        signals.get("samples"),
        ((Map<?, ?>) signals.get("sessions")).get("mean"),
        ((Map<?, ?>) signals.get("sessions")).get("p95"),
        ((Map<?, ?>) signals.get("utterances_waiting")).get("mean"),
        ((Map<?, ?>) signals.get("utterances_waiting")).get("p95"),
        ((Map<?, ?>) signals.get("busy_fraction")).get("mean"),
        ((Map<?, ?>) signals.get("busy_fraction")).get("p95"));
  }

  /** The service as its own JVM, from the same classpath this command runs on. */
  private static List<String> serviceCommand(String javaOpts) {
    List<String> options = javaOpts.isBlank() ? List.of() : List.of(javaOpts.trim().split("\\s+"));
    return ChildJvm.command(options, "serve");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
