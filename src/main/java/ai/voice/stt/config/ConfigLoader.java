package ai.voice.stt.config;

import ai.voice.stt.config.SttConfig.ApiKey;
import ai.voice.stt.config.SttConfig.AudioContext;
import ai.voice.stt.config.SttConfig.HttpWhisper;
import ai.voice.stt.config.SttConfig.Limits;
import ai.voice.stt.config.SttConfig.LogFormat;
import ai.voice.stt.config.SttConfig.Nats;
import ai.voice.stt.config.SttConfig.Operations;
import ai.voice.stt.config.SttConfig.Recognition;
import ai.voice.stt.config.SttConfig.RecognizerKind;
import ai.voice.stt.config.SttConfig.ResponseFormat;
import ai.voice.stt.config.SttConfig.Streaming;
import ai.voice.stt.config.SttConfig.Telemetry;
import ai.voice.stt.config.SttConfig.VadKind;
import ai.voice.stt.config.SttConfig.WhisperApi;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Builds the one immutable {@link SttConfig} from environment variables, validating each. */
public final class ConfigLoader {
  public static final String DEFAULT_NATS_URL = "nats://nats.ai-ml.svc.cluster.local:4222";
  public static final String DEFAULT_WHISPER_URL =
      "http://whisper-predictor.ai-ml.svc.cluster.local";
  public static final String DEFAULT_MODEL_SIZE = "medium";

  /**
   * The model the project's scripts fetch (scripts/ensure-model.sh without a name) and its commands
   * and tests use unless told otherwise: tiny.en quantized to 8 bits, which decodes ~20 % faster on
   * CPU with the same or fewer errors (decisions/0035). The service itself still follows {@code
   * WHISPER_MODEL_SIZE} (the contract's default, {@link #DEFAULT_MODEL_SIZE}).
   */
  public static final String PROJECT_MODEL = "models/ggml-tiny.en-q8_0.bin";

  public static final String DEFAULT_DEVICE = "cuda";
  public static final int DEFAULT_BUFFER_SIZE_BYTES = 512_000;
  public static final Duration DEFAULT_CHUNK_TIMEOUT = Duration.ofSeconds(2);

  /** Silero: far fewer false onsets and better streamed WER in noise (decisions/0025). */
  public static final String DEFAULT_VAD = "webrtc";

  public static final String DEFAULT_VAD_MODEL_FILE = "silero_vad.onnx";
  public static final int DEFAULT_VAD_AGGRESSIVENESS = 2;
  // Where speech ends is decided by the strictest WebRTC mode: mode 2's hang-over and its "speech"
  // on breath after the last word held every final 0.1-0.5 s longer (docs/benchmarks.md).
  public static final int DEFAULT_ENDPOINT_VAD_AGGRESSIVENESS = 3;
  // 600 ms: long enough to bridge the pauses inside a sentence, short enough that a
  // conversational turn ends well before the 2 s chunk timeout.
  public static final Duration DEFAULT_ENDPOINT_SILENCE = Duration.ofMillis(600);
  public static final Duration DEFAULT_SENTENCE_END_SILENCE = Duration.ofMillis(300);
  // Speculation starts once the trailing silence kept with a segment has passed: its audio is then
  // exactly the final's, so an answer is never made on less than the final holds
  // (docs/decisions/0019).
  public static final Duration DEFAULT_SPECULATE_AFTER = Duration.ofMillis(210);
  public static final Duration DEFAULT_INTERIM_INTERVAL = Duration.ofMillis(1000);
  public static final Duration DEFAULT_PRE_ROLL = Duration.ofMillis(300);

  /**
   * Silero calls an onset ~0.24 s after WebRTC does (it needs a whole 32 ms window of speech at
   * probability 0.5, and word starts are quieter): the pre-roll brings the first word back. On the
   * evaluation set it took Silero from 15.4 to 12.3 % WER; with WebRTC the same pre-roll costs
   * (13.8 to 15.1 %, more noise before the words). Decision 0025.
   */
  public static final Duration DEFAULT_SILERO_PRE_ROLL = Duration.ofMillis(600);

  public static final Duration DEFAULT_MIN_SPEECH = Duration.ofMillis(90);
  public static final Duration DEFAULT_INTERRUPT_MIN_SPEECH = Duration.ofMillis(240);
  // Measured on seeded noise and the speech corpus (docs/decisions/0023-no-text-on-noise.md):
  // noise blips hold at most a few hundred ms of voiced run, words at least 390 ms; steady noise
  // rises at most 1.7 dB above its median, speech in white noise at 5 dB SNR 1.7 dB and more.
  public static final Duration DEFAULT_MIN_VOICED_RUN = Duration.ofMillis(240);
  public static final double DEFAULT_MIN_VOICED_MODULATION_DB = 4.0;
  public static final int DEFAULT_MAX_SESSIONS = 256;
  // The input stream's bound: 256 sessions of 16 kHz 16-bit mono over the 2 min it keeps are 0.98
  // GB (a 48 kHz client sends three times that, which then keeps less than 2 min). Beyond it the
  // oldest audio goes first, which only a session moving between replicas could have needed.
  public static final int DEFAULT_AUDIO_STREAM_MAX_MB = 1024;
  // Outputs are 0.2-0.6 KB: 256 MiB holds about half a million of them.
  public static final int DEFAULT_RESULTS_STREAM_MAX_MB = 256;
  public static final int DEFAULT_MAX_CHUNK_BYTES = 1 << 20;
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
  // Late messages of an ended session (a chunk behind its end, a repeated end) come within
  // seconds; a minute of its client's silence covers them many times over.
  public static final Duration DEFAULT_ENDED_SESSION_MEMORY = Duration.ofSeconds(60);
  // An hour of speech and four hours of wall clock are far beyond any conversation, yet bound
  // what one runaway or forgotten client can hold.
  public static final Duration DEFAULT_MAX_SESSION_AUDIO = Duration.ofHours(1);
  public static final Duration DEFAULT_MAX_SESSION_DURATION = Duration.ofHours(4);
  private static final Duration LONGEST_SESSION_LIMIT = Duration.ofDays(7);
  public static final int DEFAULT_QUEUE_CAPACITY = 256;
  public static final Duration DEFAULT_RECOGNITION_TIMEOUT_BASE = Duration.ofSeconds(30);
  public static final double DEFAULT_RECOGNITION_TIMEOUT_FACTOR = 10;
  // Two utterances at the 16 s buffer limit: beyond this a session's results are half a minute
  // late, and its new audio is refused (with an error naming it) until the recognizer catches up.
  public static final Duration DEFAULT_SESSION_BACKLOG = Duration.ofSeconds(32);
  public static final int DEFAULT_HEALTH_PORT = 8080;
  public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(20);
  // OpenAI's name for its Whisper model; servers that host one model mostly ignore the field.
  // vLLM wants its served model name (e.g. openai/whisper-large-v3) and answers 404 otherwise.
  public static final String DEFAULT_WHISPER_HTTP_MODEL = "whisper-1";
  // Requests are I/O waits, not CPU work: enough to keep a GPU server's batch full.
  public static final int DEFAULT_WHISPER_HTTP_CONCURRENCY = 8;
  public static final Duration DEFAULT_WHISPER_HTTP_CONNECT_TIMEOUT = Duration.ofSeconds(2);
  // 16 s of audio (the buffer limit) takes well under 5 s on a GPU server; 15 s leaves room for a
  // CPU server's queue without letting a hung server hold a session for long.
  public static final Duration DEFAULT_WHISPER_HTTP_TIMEOUT = Duration.ofSeconds(15);
  // 250 + 500 + 1000 ms: rides out a connection reset or a pod behind a restarting Service.
  public static final int DEFAULT_WHISPER_HTTP_RETRIES = 3;
  public static final Duration DEFAULT_WHISPER_HTTP_BACKOFF = Duration.ofMillis(250);
  public static final int DEFAULT_WHISPER_HTTP_BREAKER_FAILURES = 5;
  public static final Duration DEFAULT_WHISPER_HTTP_BREAKER_OPEN = Duration.ofSeconds(5);

  private static final Set<String> DEVICES = Set.of("cuda", "rocm", "cpu", "auto");
  private static final Pattern SUBJECT_PREFIX =
      Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");
  private static final Pattern MODEL_SIZE = Pattern.compile("[A-Za-z0-9._-]+");
  // Visible ASCII only: anything else cannot travel in an Authorization header.
  private static final Pattern API_KEY = Pattern.compile("[\\x21-\\x7e]+");

  private ConfigLoader() {}

  public static SttConfig fromEnvironment() {
    return load(System.getenv(), Runtime.getRuntime().availableProcessors());
  }

  /** Loads from an explicit map, so tests build configurations without touching the process. */
  public static SttConfig load(Map<String, String> environment, int availableCores) {
    EnvReader env = new EnvReader(environment);
    Recognition recognition = recognition(env, availableCores);
    return new SttConfig(
        nats(env),
        recognition,
        streaming(env),
        limits(env, recognition),
        operations(env),
        routing(env));
  }

  private static SttConfig.Routing routing(EnvReader env) {
    String mode = env.string("STT_ROUTING", "auto").toLowerCase(Locale.ROOT);
    SttConfig.RoutingMode routingMode =
        switch (mode) {
          case "auto" -> SttConfig.RoutingMode.AUTO;
          case "jetstream" -> SttConfig.RoutingMode.JETSTREAM;
          case "plain" -> SttConfig.RoutingMode.PLAIN;
          default -> throw EnvReader.invalid("STT_ROUTING", mode, "auto, jetstream or plain");
        };
    String host = env.string("HOSTNAME", "stt");
    return new SttConfig.Routing(
        routingMode,
        env.string("STT_REPLICA_ID", host.isBlank() ? "stt" : host),
        natsName(env, "STT_JETSTREAM_STREAM", "VOICE_STT_AUDIO"),
        natsName(env, "STT_JETSTREAM_BUCKET", "voice-stt-sessions"),
        env.seconds(
            "STT_LEASE_TTL", Duration.ofSeconds(3), Duration.ofSeconds(1), Duration.ofMinutes(1)),
        env.seconds(
            "STT_AUDIO_RETENTION",
            Duration.ofMinutes(2),
            Duration.ofSeconds(10),
            Duration.ofHours(1)),
        env.integer("STT_JETSTREAM_REPLICAS", 0, 0, 5),
        (long) env.integer("STT_AUDIO_STREAM_MAX_MB", DEFAULT_AUDIO_STREAM_MAX_MB, 1, 1 << 20)
            << 20,
        (long) env.integer("STT_RESULTS_STREAM_MAX_MB", DEFAULT_RESULTS_STREAM_MAX_MB, 1, 1 << 20)
            << 20);
  }

  /** A JetStream stream or bucket name: letters, digits, '-' and '_'. */
  private static String natsName(EnvReader env, String variable, String fallback) {
    String value = env.string(variable, fallback);
    if (!value.matches("[A-Za-z0-9_-]{1,64}")) {
      throw EnvReader.invalid(variable, value, "letters, digits, '-' and '_' (at most 64)");
    }
    return value;
  }

  /**
   * Only the NATS credentials and TLS settings ({@code NATS_USER}, {@code NATS_TOKEN}, {@code
   * NATS_TLS_*}, ...), for clients such as {@code stt stream} that connect to {@code servers}.
   */
  public static NatsSecurity natsSecurity(Map<String, String> environment, List<String> servers) {
    return NatsSecurityLoader.load(new EnvReader(environment), servers);
  }

  private static Nats nats(EnvReader env) {
    List<String> servers =
        Arrays.stream(env.string("NATS_URL", DEFAULT_NATS_URL).split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .toList();
    if (servers.isEmpty()) {
      throw EnvReader.invalid("NATS_URL", "", "one or more comma-separated nats:// URLs");
    }
    return new Nats(
        servers,
        subjectPrefix(env, "STT_INPUT_SUBJECT_PREFIX", "ai.voice.stream"),
        subjectPrefix(env, "STT_OUTPUT_SUBJECT_PREFIX", "ai.voice.transcription"),
        env.integer("STT_SESSION_ID_TOKENS", 1, 1, 2),
        NatsSecurityLoader.load(env, servers));
  }

  private static String subjectPrefix(EnvReader env, String name, String defaultValue) {
    String value = env.string(name, defaultValue);
    if (!SUBJECT_PREFIX.matcher(value).matches()) {
      throw EnvReader.invalid(name, value, "dot-separated subject tokens without wildcards");
    }
    return value;
  }

  private static Recognition recognition(EnvReader env, int cores) {
    String kindName = env.string("STT_RECOGNIZER", "local").toLowerCase(Locale.ROOT);
    RecognizerKind kind =
        switch (kindName) {
          case "local" -> RecognizerKind.LOCAL;
          case "http" -> RecognizerKind.HTTP;
          default -> throw EnvReader.invalid("STT_RECOGNIZER", kindName, "local or http");
        };
    String size = env.string("WHISPER_MODEL_SIZE", DEFAULT_MODEL_SIZE);
    if (!MODEL_SIZE.matcher(size).matches()) {
      throw EnvReader.invalid("WHISPER_MODEL_SIZE", size, "a model name such as tiny.en or medium");
    }
    Path modelDir = Path.of(env.string("STT_MODEL_DIR", "models"));
    String modelPathValue = env.string("STT_MODEL_PATH", null);
    Path modelPath =
        modelPathValue != null
            ? Path.of(modelPathValue)
            : modelDir.resolve("ggml-" + size + ".bin");
    String device = env.string("WHISPER_DEVICE", DEFAULT_DEVICE).toLowerCase(Locale.ROOT);
    if (!DEVICES.contains(device)) {
      throw EnvReader.invalid("WHISPER_DEVICE", device, "one of " + DEVICES);
    }
    int threads = env.integer("STT_WHISPER_THREADS", 1, 1, 256);
    // Several single-threaded workers give ~2x the throughput of one wide worker on 2 cores
    // (ARCHITECTURE.md), so by default every core gets its own worker.
    int workers = env.integer("STT_INFERENCE_WORKERS", Math.max(1, cores / threads), 1, 256);
    // The banner says which: a count derived from the processors changes with the pod's CPU limit
    // (or a node's cores, without one), and nothing else would show that it did.
    String workersSource =
        env.string("STT_INFERENCE_WORKERS", null) != null
            ? "STT_INFERENCE_WORKERS=" + workers
            : "from "
                + cores
                + (cores == 1 ? " available processor" : " available processors")
                + (threads == 1 ? "" : " / STT_WHISPER_THREADS=" + threads)
                + "; STT_INFERENCE_WORKERS unset";
    // Each open session keeps at most one utterance in the queue (the rest wait in the session),
    // so a queue smaller than the session limit would refuse audio of sessions already admitted.
    int queue =
        Math.max(
            env.integer("STT_INFERENCE_QUEUE_SIZE", DEFAULT_QUEUE_CAPACITY, 1, 1_000_000),
            env.integer("STT_MAX_SESSIONS", DEFAULT_MAX_SESSIONS, 1, 1_000_000));
    // On by default since speculative finals (decisions/0018): a call that starts while the other
    // workers idle borrows their cores. Before, a wide call keeping its threads when others
    // arrived pushed p95 at 8 sessions past 1.5 s; with speculation much of the work runs in the
    // pauses, and two runs at 8 sessions gave p50 0.82 -> 0.63 s and p95 1.30 -> 1.28 s
    // (docs/benchmarks.md). false gives every call exactly STT_WHISPER_THREADS. What is lent is
    // the workers' own share (workers x threads), never more: a pod with a CPU request but no
    // limit sees every core of its node, and several replicas on one machine see the same cores.
    int elasticCores = env.bool("STT_ELASTIC_THREADS", true) ? workers * threads : 0;
    return new Recognition(
        kind,
        httpWhisper(env),
        size,
        modelPath,
        device,
        threads,
        elasticCores,
        workers,
        workersSource,
        queue,
        audioContext(env),
        env.string("STT_LANGUAGE", ""),
        // A deadline only a hung call reaches (decisions/0020): large-v3 on one core runs at
        // about 2-3 x real time, well inside 30 s + 10 x the audio.
        env.seconds(
            "STT_RECOGNITION_TIMEOUT_BASE",
            DEFAULT_RECOGNITION_TIMEOUT_BASE,
            Duration.ofMillis(100),
            Duration.ofHours(1)),
        env.decimal(
            "STT_RECOGNITION_TIMEOUT_FACTOR", DEFAULT_RECOGNITION_TIMEOUT_FACTOR, 0, 1_000));
  }

  private static HttpWhisper httpWhisper(EnvReader env) {
    String api = env.string("STT_WHISPER_API", "openai").toLowerCase(Locale.ROOT);
    String format =
        env.string("STT_WHISPER_HTTP_RESPONSE_FORMAT", "verbose_json").toLowerCase(Locale.ROOT);
    return new HttpWhisper(
        whisperUrl(env),
        switch (api) {
          case "openai" -> WhisperApi.OPENAI;
          case "whisper-cpp" -> WhisperApi.WHISPER_CPP;
          default -> throw EnvReader.invalid("STT_WHISPER_API", api, "openai or whisper-cpp");
        },
        switch (format) {
          case "verbose_json" -> ResponseFormat.VERBOSE_JSON;
          case "json" -> ResponseFormat.JSON;
          default ->
              throw EnvReader.invalid(
                  "STT_WHISPER_HTTP_RESPONSE_FORMAT", format, "verbose_json or json");
        },
        env.string("STT_WHISPER_HTTP_MODEL", DEFAULT_WHISPER_HTTP_MODEL),
        apiKey(env),
        env.integer("STT_WHISPER_HTTP_CONCURRENCY", DEFAULT_WHISPER_HTTP_CONCURRENCY, 1, 1024),
        env.seconds(
            "STT_WHISPER_HTTP_CONNECT_TIMEOUT",
            DEFAULT_WHISPER_HTTP_CONNECT_TIMEOUT,
            Duration.ofMillis(100),
            Duration.ofMinutes(1)),
        env.seconds(
            "STT_WHISPER_HTTP_TIMEOUT",
            DEFAULT_WHISPER_HTTP_TIMEOUT,
            Duration.ofMillis(100),
            Duration.ofMinutes(10)),
        env.integer("STT_WHISPER_HTTP_RETRIES", DEFAULT_WHISPER_HTTP_RETRIES, 0, 20),
        env.millis("STT_WHISPER_HTTP_BACKOFF_MS", DEFAULT_WHISPER_HTTP_BACKOFF, 1, 60_000),
        env.integer(
            "STT_WHISPER_HTTP_BREAKER_FAILURES", DEFAULT_WHISPER_HTTP_BREAKER_FAILURES, 1, 10_000),
        env.seconds(
            "STT_WHISPER_HTTP_BREAKER_OPEN",
            DEFAULT_WHISPER_HTTP_BREAKER_OPEN,
            Duration.ofMillis(100),
            Duration.ofMinutes(10)));
  }

  private static URI whisperUrl(EnvReader env) {
    String value = env.string("WHISPER_URL", DEFAULT_WHISPER_URL);
    try {
      URI uri = new URI(value);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
        return uri;
      }
    } catch (URISyntaxException e) {
      // reported below with the expected form
    }
    // The value may carry user:password@: never echoed.
    throw EnvReader.invalid(
        "WHISPER_URL",
        UrlRedaction.withoutUserInfo(value),
        "an http:// or https:// URL with a host");
  }

  /**
   * The key from STT_WHISPER_API_KEY or the file STT_WHISPER_API_KEY_FILE (a mounted Secret).
   * Messages name the variable but never show the key.
   */
  private static Optional<ApiKey> apiKey(EnvReader env) {
    return secret(env, "STT_WHISPER_API_KEY", "STT_WHISPER_API_KEY_FILE");
  }

  /**
   * The key {@code stt whisper-server} requires of its callers, from STT_WHISPER_SERVER_API_KEY or
   * the file STT_WHISPER_SERVER_API_KEY_FILE; empty when neither is set (no authentication).
   *
   * @throws ConfigException when both are set, the file cannot be read or the key is not one line
   *     of visible ASCII; the message never shows the key
   */
  public static Optional<ApiKey> whisperServerApiKey(Map<String, String> env) {
    return secret(
        new EnvReader(env), "STT_WHISPER_SERVER_API_KEY", "STT_WHISPER_SERVER_API_KEY_FILE");
  }

  /** A credential given inline or as a file; messages name the variable, never the value. */
  private static Optional<ApiKey> secret(EnvReader env, String inlineName, String fileName) {
    String inline = env.string(inlineName, null);
    String file = env.string(fileName, null);
    if (inline != null && file != null) {
      throw new ConfigException(inlineName + " and " + fileName + " are both set: set one.");
    }
    String key = inline;
    String source = inlineName;
    if (file != null) {
      source = fileName;
      try {
        key = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
      } catch (IOException | RuntimeException e) {
        throw new ConfigException(
            "Invalid " + fileName + "='" + file + "': cannot read it (" + e + ").");
      }
    }
    if (key == null) {
      return Optional.empty();
    }
    if (!API_KEY.matcher(key).matches()) {
      throw new ConfigException(
          "Invalid " + source + ": the key must be one line of visible ASCII characters.");
    }
    return Optional.of(new ApiKey(key));
  }

  private static AudioContext audioContext(EnvReader env) {
    String value = env.string("STT_WHISPER_AUDIO_CTX", "auto");
    try {
      return AudioContext.parse(value);
    } catch (IllegalArgumentException e) {
      throw EnvReader.invalid("STT_WHISPER_AUDIO_CTX", value, e.getMessage());
    }
  }

  /** Decided on the spoken requests of docs/benchmarks.md (decisions/0026). */
  static final SttConfig.TurnDetection DEFAULT_TURN_DETECTION = SttConfig.TurnDetection.TRANSCRIPT;

  private static Streaming streaming(EnvReader env) {
    Duration chunkTimeout =
        env.seconds(
            "STT_CHUNK_TIMEOUT",
            DEFAULT_CHUNK_TIMEOUT,
            Duration.ofMillis(100),
            Duration.ofMinutes(10));
    Duration endpoint = env.millis("STT_ENDPOINT_SILENCE_MS", DEFAULT_ENDPOINT_SILENCE, 90, 10_000);
    if (endpoint.compareTo(chunkTimeout) >= 0) {
      throw new ConfigException(
          "Invalid STT_ENDPOINT_SILENCE_MS="
              + endpoint.toMillis()
              + ": must be shorter than STT_CHUNK_TIMEOUT ("
              + chunkTimeout.toMillis()
              + " ms).");
    }
    Duration speculateAfter =
        env.millis("STT_SPECULATE_AFTER_MS", DEFAULT_SPECULATE_AFTER, 30, 210);
    Duration sentenceEnd =
        env.millis(
            "STT_SENTENCE_END_SILENCE_MS",
            DEFAULT_SENTENCE_END_SILENCE.compareTo(endpoint) < 0
                ? DEFAULT_SENTENCE_END_SILENCE
                : endpoint,
            90,
            10_000);
    if (sentenceEnd.compareTo(endpoint) > 0) {
      throw new ConfigException(
          "Invalid STT_SENTENCE_END_SILENCE_MS="
              + sentenceEnd.toMillis()
              + ": must not be longer than STT_ENDPOINT_SILENCE_MS ("
              + endpoint.toMillis()
              + " ms); equal to it turns adaptive end-pointing off.");
    }
    VadKind vad = vadKind(env);
    return new Streaming(
        env.integer("STT_BUFFER_SIZE_BYTES", DEFAULT_BUFFER_SIZE_BYTES, 16_000, 64 << 20),
        chunkTimeout,
        env.bool("STT_ENABLE_VAD", true),
        vad,
        Path.of(
            env.string(
                "STT_VAD_MODEL_PATH",
                Path.of(env.string("STT_MODEL_DIR", "models"))
                    .resolve(DEFAULT_VAD_MODEL_FILE)
                    .toString())),
        env.integer("STT_VAD_AGGRESSIVENESS", DEFAULT_VAD_AGGRESSIVENESS, 0, 3),
        env.integer("STT_ENDPOINT_VAD_AGGRESSIVENESS", DEFAULT_ENDPOINT_VAD_AGGRESSIVENESS, 0, 3),
        env.bool("STT_ENABLE_INTERRUPT_DETECTION", true),
        endpoint,
        env.millis(
            "STT_PRE_ROLL_MS",
            vad == VadKind.SILERO ? DEFAULT_SILERO_PRE_ROLL : DEFAULT_PRE_ROLL,
            0,
            2_000),
        env.millis("STT_MIN_SPEECH_MS", DEFAULT_MIN_SPEECH, 30, 2_000),
        env.millis("STT_INTERRUPT_MIN_SPEECH_MS", DEFAULT_INTERRUPT_MIN_SPEECH, 30, 5_000),
        sentenceEnd,
        env.bool("STT_SPECULATIVE", true),
        speculateAfter,
        env.bool("STT_INTERIM_RESULTS", false),
        env.millis("STT_INTERIM_INTERVAL_MS", DEFAULT_INTERIM_INTERVAL, 300, 10_000),
        env.millis("STT_MIN_VOICED_RUN_MS", DEFAULT_MIN_VOICED_RUN, 0, 2_000),
        env.decimal("STT_MIN_VOICED_MODULATION_DB", DEFAULT_MIN_VOICED_MODULATION_DB, 0, 40),
        // decisions/0031: off only to measure what aborting saves (stt bench, before/after).
        env.bool("STT_ABORT_USELESS_DECODES", true),
        turn(env, endpoint, speculateAfter));
  }

  /**
   * @param speculateAfter {@code STT_SPECULATE_AFTER_MS}: also the look of sessions whose turns are
   *     judged unless {@code STT_TURN_SPECULATE_AFTER_MS} sets theirs
   */
  private static SttConfig.Turn turn(EnvReader env, Duration endpoint, Duration speculateAfter) {
    String value = env.string("STT_TURN_DETECTION", DEFAULT_TURN_DETECTION.name());
    SttConfig.TurnDetection detection;
    try {
      detection = SttConfig.TurnDetection.valueOf(value.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw EnvReader.invalid("STT_TURN_DETECTION", value, "off, transcript, model or both");
    }
    Path model = Path.of(env.string("STT_TURN_MODEL_PATH", SttConfig.Turn.OFF.model().toString()));
    if (detection.usesModel() && !Files.isRegularFile(model)) {
      throw new ConfigException(
          "STT_TURN_DETECTION="
              + value
              + " needs the Smart Turn model at STT_TURN_MODEL_PATH="
              + model
              + ": run scripts/ensure-turn-model.sh, or set STT_TURN_DETECTION=transcript or off.");
    }
    Duration hold =
        env.millis(
            "STT_TURN_HOLD_MS", SttConfig.Turn.OFF.hold(), (int) endpoint.toMillis(), 10_000);
    Duration doubtHold =
        env.millis(
            "STT_TURN_DOUBT_MS",
            SttConfig.Turn.OFF.doubtHold(),
            (int) endpoint.toMillis(),
            (int) hold.toMillis());
    return new SttConfig.Turn(
        detection,
        model,
        env.decimal("STT_TURN_THRESHOLD", 0.5, 0.01, 0.99),
        hold,
        doubtHold,
        env.millis("STT_TURN_SPECULATE_AFTER_MS", speculateAfter, 30, 210));
  }

  private static VadKind vadKind(EnvReader env) {
    String name = env.string("STT_VAD", DEFAULT_VAD).toLowerCase(Locale.ROOT);
    return switch (name) {
      case "webrtc" -> VadKind.WEBRTC;
      case "silero" -> VadKind.SILERO;
      default -> throw EnvReader.invalid("STT_VAD", name, "webrtc or silero");
    };
  }

  private static Limits limits(EnvReader env, Recognition recognition) {
    // Two waiting utterances per worker (counted in every session, not only the shared queue):
    // every worker already has a full utterance of extra latency queued behind the one it is
    // running, so taking on more sessions would slow the ones in progress.
    int admissionDefault = 2 * recognition.workers();
    return new Limits(
        env.integer("STT_MAX_SESSIONS", DEFAULT_MAX_SESSIONS, 1, 1_000_000),
        env.integer("STT_MAX_CHUNK_BYTES", DEFAULT_MAX_CHUNK_BYTES, 320, 64 << 20),
        env.seconds(
            "STT_SESSION_IDLE_TIMEOUT",
            DEFAULT_IDLE_TIMEOUT,
            Duration.ofSeconds(1),
            Duration.ofHours(24)),
        env.seconds(
            "STT_MAX_SESSION_AUDIO_SECONDS",
            DEFAULT_MAX_SESSION_AUDIO,
            Duration.ofSeconds(1),
            LONGEST_SESSION_LIMIT),
        env.seconds(
            "STT_MAX_SESSION_DURATION",
            DEFAULT_MAX_SESSION_DURATION,
            Duration.ofSeconds(1),
            LONGEST_SESSION_LIMIT),
        env.integer("STT_ADMISSION_QUEUE_DEPTH", admissionDefault, 0, 1_000_000),
        env.seconds(
            "STT_SESSION_BACKLOG_SECONDS",
            DEFAULT_SESSION_BACKLOG,
            Duration.ofSeconds(1),
            LONGEST_SESSION_LIMIT),
        env.seconds(
            "STT_ENDED_SESSION_MEMORY",
            DEFAULT_ENDED_SESSION_MEMORY,
            Duration.ofSeconds(1),
            Duration.ofHours(24)));
  }

  private static Operations operations(EnvReader env) {
    return new Operations(
        env.integer("STT_HEALTH_PORT", DEFAULT_HEALTH_PORT, 0, 65_535),
        // Below Kubernetes' default 30 s termination grace, so the pod exits on its own terms.
        env.seconds(
            "STT_SHUTDOWN_GRACE",
            DEFAULT_SHUTDOWN_GRACE,
            Duration.ofSeconds(1),
            Duration.ofMinutes(10)),
        telemetry(env),
        logFormat(env),
        env.bool("STT_REDACT_USER_DATA", false));
  }

  private static Telemetry telemetry(EnvReader env) {
    boolean hyperdx = env.bool("HYPERDX_ENABLED", false);
    Optional<ApiKey> key = secret(env, "HYPERDX_API_KEY", "HYPERDX_API_KEY_FILE");
    if (hyperdx && key.isEmpty()) {
      throw new ConfigException(
          "HYPERDX_ENABLED=true needs HYPERDX_API_KEY (or HYPERDX_API_KEY_FILE): HyperDX refuses"
              + " data without it.");
    }
    return new Telemetry(env.bool("OTEL_ENABLED", true), hyperdx, key, env.withPrefix("OTEL_"));
  }

  private static LogFormat logFormat(EnvReader env) {
    String value = env.string("STT_LOG_FORMAT", "auto").toLowerCase(Locale.ROOT);
    return switch (value) {
      case "auto" -> LogFormat.AUTO;
      case "json" -> LogFormat.JSON;
      case "text" -> LogFormat.TEXT;
      default -> throw EnvReader.invalid("STT_LOG_FORMAT", value, "auto, json or text");
    };
  }
}
