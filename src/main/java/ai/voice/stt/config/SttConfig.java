package ai.voice.stt.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Every setting of the service, read once at start-up and never changed.
 *
 * <p>Names and defaults of the variables shared with the original Python module are kept exactly
 * (see PROTOCOL.md); the {@code STT_*} additions are documented in docs/configuration.md.
 */
public record SttConfig(
    Nats nats,
    Recognition recognition,
    Streaming streaming,
    Limits limits,
    Operations operations,
    Routing routing) {

  /** How sessions are shared between replicas (docs/decisions/0012-replicas.md). */
  public enum RoutingMode {
    /** JetStream when the server has it, else plain. */
    AUTO,
    /** Sessions claimed through JetStream KV and replayed from a stream; start fails without it. */
    JETSTREAM,
    /** A plain subscription: one replica only (several would each transcribe every session). */
    PLAIN
  }

  /**
   * Sharing sessions between replicas.
   *
   * @param replicaId this process's name among the replicas (a random suffix is added)
   * @param stream the JetStream stream that keeps the input audio for replay
   * @param bucket the KV bucket of session checkpoints; {@code <bucket>-replicas} holds heartbeats
   * @param leaseTtl a replica that has not renewed its heartbeat for this long is taken as gone
   * @param audioRetention how long the stream keeps audio (what a take-over can replay)
   * @param storageReplicas JetStream replicas of the stream and buckets; 0 = min(3, cluster size)
   * @param audioMaxBytes the most the input stream stores; the oldest audio goes first beyond it
   * @param resultsMaxBytes the most the results stream stores; the oldest outputs go first
   */
  public record Routing(
      RoutingMode mode,
      String replicaId,
      String stream,
      String bucket,
      Duration leaseTtl,
      Duration audioRetention,
      int storageReplicas,
      long audioMaxBytes,
      long resultsMaxBytes) {}

  /**
   * Where audio comes from and results go, and how the connection is secured.
   *
   * @param sessionIdTokens subject tokens a session id spans: 1 (the wire contract, {@code
   *     ai.voice.stream.{session_id}}) or 2 ({@code ai.voice.stream.{tenant}.{session}}, so that
   *     NATS permissions can give each tenant its own sessions: docs/decisions/0027)
   */
  public record Nats(
      List<String> servers,
      String inputPrefix,
      String outputPrefix,
      int sessionIdTokens,
      NatsSecurity security) {
    public Nats {
      servers = List.copyOf(servers);
      if (sessionIdTokens < 1 || sessionIdTokens > 2) {
        throw new IllegalArgumentException("sessionIdTokens " + sessionIdTokens);
      }
    }

    /** Every session's input subject: {@code ai.voice.stream.*} (or {@code .*.*}, tenants). */
    public String inputSubscription() {
      return inputPrefix + ".*".repeat(sessionIdTokens);
    }

    /** Every session's output subject (the results stream holds these). */
    public String outputSubscription() {
      return outputPrefix + ".*".repeat(sessionIdTokens);
    }

    /** The session id of an input subject matching {@link #inputSubscription()}. */
    public String sessionIdOf(String inputSubject) {
      return inputSubject.substring(inputPrefix.length() + 1);
    }

    public String inputSubject(String sessionId) {
      return inputPrefix + "." + sessionId;
    }

    public String outputSubject(String sessionId) {
      return outputPrefix + "." + sessionId;
    }

    /** A server URL fit for logs: any {@code user:password@} or {@code token@} is masked. */
    public static String redact(String url) {
      return UrlRedaction.withoutUserInfo(url);
    }

    @Override
    public String toString() {
      return "Nats[servers="
          + servers.stream().map(Nats::redact).toList()
          + ", inputPrefix="
          + inputPrefix
          + ", outputPrefix="
          + outputPrefix
          + ", sessionIdTokens="
          + sessionIdTokens
          + ", "
          + security.describe()
          + "]";
    }
  }

  /**
   * Which recognizer runs and how.
   *
   * @param elasticCores cores idle workers lend to running calls; 0 keeps every call at {@code
   *     threadsPerWorker}
   * @param workersSource where {@code workers} came from: {@code STT_INFERENCE_WORKERS}, or the
   *     processors the JVM saw (a container's CPU limit decides those)
   * @param timeoutBase what any one recognition may take before it is given up ({@code
   *     STT_RECOGNITION_TIMEOUT_BASE})
   * @param timeoutFactor seconds a recognition may take per second of its audio, on top of {@code
   *     timeoutBase} ({@code STT_RECOGNITION_TIMEOUT_FACTOR})
   */
  public record Recognition(
      RecognizerKind kind,
      HttpWhisper http,
      String modelSize,
      Path modelPath,
      String device,
      int threadsPerWorker,
      int elasticCores,
      int workers,
      String workersSource,
      int queueCapacity,
      AudioContext audioContext,
      String language,
      Duration timeoutBase,
      double timeoutFactor) {

    /**
     * The worker count and where it came from, for the start-up banner: "2 workers (from 2
     * available processors; STT_INFERENCE_WORKERS unset)".
     */
    public String describeWorkers() {
      return workers + (workers == 1 ? " worker (" : " workers (") + workersSource + ")";
    }
  }

  /** The voice activity detector ({@code STT_VAD}, decisions/0025). */
  public enum VadKind {
    /** WebRTC's GMM detector (libfvad): two per session, onset and end-pointing modes. */
    WEBRTC,
    /** Silero VAD v6 through ONNX Runtime: one per session, onset and end-point alike. */
    SILERO
  }

  /** The local recognizer or the HTTP Whisper service at WHISPER_URL. */
  public enum RecognizerKind {
    LOCAL,
    HTTP
  }

  /**
   * The Whisper server at WHISPER_URL, used when STT_RECOGNIZER=http.
   *
   * @param url WHISPER_URL as given; the route of {@code api} is appended unless already there
   * @param model the {@code model} form field of the OpenAI API (whisper.cpp ignores it)
   * @param concurrency requests in flight at once; I/O-bound, so not tied to the cores
   * @param requestTimeout the whole exchange, upload to last byte of the answer
   * @param retries further attempts after the first, on connect errors, 429 and 5xx
   * @param backoff wait before the first retry; doubled for each further one
   * @param breakerFailures consecutive failed attempts that open the circuit
   * @param breakerOpen how long an open circuit fails calls at once before letting one through
   */
  public record HttpWhisper(
      URI url,
      WhisperApi api,
      ResponseFormat responseFormat,
      String model,
      Optional<ApiKey> apiKey,
      int concurrency,
      Duration connectTimeout,
      Duration requestTimeout,
      int retries,
      Duration backoff,
      int breakerFailures,
      Duration breakerOpen) {
    @Override
    public String toString() {
      // WHISPER_URL may carry user:password@; the key is redacted by ApiKey itself.
      return "HttpWhisper[url="
          + UrlRedaction.withoutUserInfo(url.toString())
          + ", api="
          + api
          + ", responseFormat="
          + responseFormat
          + ", model="
          + model
          + ", apiKey="
          + apiKey
          + ", concurrency="
          + concurrency
          + ", requestTimeout="
          + requestTimeout
          + "]";
    }
  }

  /** Which HTTP API the Whisper server speaks. */
  public enum WhisperApi {
    /** {@code POST /v1/audio/transcriptions}: OpenAI, vLLM, faster-whisper servers, ours. */
    OPENAI,
    /** {@code POST /inference}: whisper.cpp's {@code whisper-server}. */
    WHISPER_CPP
  }

  /** What the recognizer asks the server for. */
  public enum ResponseFormat {
    /** Text plus timed segments. */
    VERBOSE_JSON,
    /** Text only, for servers that refuse verbose_json (vLLM up to at least 0.10). */
    JSON;

    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** A credential for the Whisper server. Its {@code toString} never shows the value. */
  public record ApiKey(String value) {
    @Override
    public String toString() {
      return "ApiKey[redacted]";
    }
  }

  /**
   * How much of whisper's 30 s encoder window is computed. {@code full} is whisper's default;
   * {@code auto} sizes it to the utterance, which cuts encoder work several-fold on short speech.
   *
   * @param frames 0 for full, -1 for auto, otherwise a fixed count of encoder frames (50 per s)
   */
  public record AudioContext(int frames) {
    public static final AudioContext FULL = new AudioContext(0);
    public static final AudioContext AUTO = new AudioContext(-1);

    public boolean isAuto() {
      return frames < 0;
    }

    /**
     * Parses {@code auto}, {@code full} or a frame count from 64 to 1500.
     *
     * @throws IllegalArgumentException for anything else
     */
    public static AudioContext parse(String value) {
      return switch (value.strip().toLowerCase(java.util.Locale.ROOT)) {
        case "auto" -> AUTO;
        case "full" -> FULL;
        default -> {
          int frames;
          try {
            frames = Integer.parseInt(value.strip());
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected auto, full or 64-1500 encoder frames");
          }
          if (frames < 64 || frames > 1500) {
            throw new IllegalArgumentException("expected auto, full or 64-1500 encoder frames");
          }
          yield new AudioContext(frames);
        }
      };
    }
  }

  /**
   * Voice activity, end-pointing, interrupt and early-result parameters.
   *
   * @param vad which voice activity detector classifies the frames (decisions/0025)
   * @param vadModelPath the Silero VAD model, read when {@code vad} is {@link VadKind#SILERO}
   * @param vadAggressiveness the WebRTC VAD mode that opens utterances and hears barge-in
   * @param endpointVadAggressiveness the WebRTC VAD mode whose pauses count towards the end-point
   * @param sentenceEndSilence the end-point silence when the speculative transcript of the
   *     utterance ends a sentence ({@code .}, {@code ?}, {@code !}); equal to {@code
   *     endpointSilence} turns adaptive end-pointing off
   * @param speculative recognise an utterance once its audio is fixed, before the end-point
   * @param speculateAfter how far into a pause the speculative recognition starts
   * @param interimResults the default of a session's {@code interim_results}
   * @param interimInterval new speech between two interim results of an utterance
   * @param minVoicedRun the longest run of voiced audio an utterance must hold to be recognised
   *     (shorter: published empty); zero: any
   * @param minVoicedModulationDb how far the voiced frames' energy must rise and fall for an
   *     utterance to be recognised (steady noise does not); zero: any
   * @param abortUselessDecodes stop a recognition whose answer became useless (speech resumed after
   *     a speculative one, an interim's utterance ended, the session stopped; decisions/0031)
   * @param turn end-of-turn detection (docs/decisions/0026)
   */
  public record Streaming(
      int bufferSizeBytes,
      Duration chunkTimeout,
      boolean vadEnabled,
      VadKind vad,
      Path vadModelPath,
      int vadAggressiveness,
      int endpointVadAggressiveness,
      boolean interruptDetectionEnabled,
      Duration endpointSilence,
      Duration preRoll,
      Duration minSpeech,
      Duration interruptMinSpeech,
      Duration sentenceEndSilence,
      boolean speculative,
      Duration speculateAfter,
      boolean interimResults,
      Duration interimInterval,
      Duration minVoicedRun,
      double minVoicedModulationDb,
      boolean abortUselessDecodes,
      Turn turn) {}

  /**
   * End-of-turn detection: when a pause ends the user's turn (docs/decisions/0026).
   *
   * @param detection what decides it: {@code off} (the silence rules alone), {@code transcript}
   *     (the speculative transcript's words), {@code model} (Smart Turn), {@code both}
   * @param model the Smart Turn ONNX file
   * @param threshold the model's probability at and above which a turn is complete
   * @param hold the longest a pause judged mid-turn is held open
   * @param doubtHold the end-point after a sentence whose last word the recognizer placed where the
   *     voice had stopped (a word it may have added): long enough to cover a mid-sentence pause
   * @param speculateAfter how far into a pause the speculative recognition of a session whose turns
   *     are judged starts (its words decide the turn); offered again at the trailing silence kept
   *     with a segment when the first no longer covers the final's audio. {@link
   *     Streaming#speculateAfter} unless set apart
   */
  public record Turn(
      TurnDetection detection,
      java.nio.file.Path model,
      double threshold,
      Duration hold,
      Duration doubtHold,
      Duration speculateAfter) {
    public static final Turn OFF =
        new Turn(
            TurnDetection.OFF,
            java.nio.file.Path.of("models/smart-turn-v3.2-cpu.onnx"),
            0.5,
            Duration.ofMillis(1500),
            Duration.ofMillis(1000),
            ConfigLoader.DEFAULT_SPECULATE_AFTER);
  }

  /** {@code STT_TURN_DETECTION}. */
  public enum TurnDetection {
    OFF,
    TRANSCRIPT,
    MODEL,
    BOTH;

    public boolean usesModel() {
      return this == MODEL || this == BOTH;
    }
  }

  /**
   * Bounds that keep one client from exhausting the service.
   *
   * @param maxSessionAudio audio one session may send; beyond it the session is ended
   * @param maxSessionDuration wall-clock life of one session; beyond it the session is ended
   * @param admissionQueueDepth new sessions are refused while this many recognitions wait for a
   *     worker; 0 admits regardless (see docs/decisions/0007-admission-control.md)
   * @param endedSessionMemory how long an ended session's id stays closed after its client was last
   *     heard: its late messages open nothing (docs/protocol.md, *Session ids without a session*)
   */
  public record Limits(
      int maxSessions,
      int maxChunkBytes,
      Duration sessionIdleTimeout,
      Duration maxSessionAudio,
      Duration maxSessionDuration,
      int admissionQueueDepth,
      Duration maxSessionBacklog,
      Duration endedSessionMemory) {}

  /**
   * Telemetry, logs and health.
   *
   * @param redactUserData keep transcripts and speaker ids out of spans and logs ({@code
   *     STT_REDACT_USER_DATA})
   */
  public record Operations(
      int healthPort,
      Duration shutdownGrace,
      Telemetry telemetry,
      LogFormat logFormat,
      boolean redactUserData) {
    public boolean otelEnabled() {
      return telemetry.enabled();
    }

    public boolean hyperdxEnabled() {
      return telemetry.hyperdxEnabled();
    }
  }

  /**
   * OpenTelemetry export.
   *
   * @param enabled OTEL_ENABLED; false exports nothing (the {@code /metrics} page still works)
   * @param hyperdxApiKey present whenever {@code hyperdxEnabled}
   * @param otelVariables the {@code OTEL_*} variables as given, read by the SDK's autoconfiguration
   *     (endpoint, protocol, headers, service name, resource attributes, exporters)
   */
  public record Telemetry(
      boolean enabled,
      boolean hyperdxEnabled,
      Optional<ApiKey> hyperdxApiKey,
      java.util.Map<String, String> otelVariables) {
    public Telemetry {
      otelVariables = java.util.Map.copyOf(otelVariables);
    }

    @Override
    public String toString() {
      // OTEL_EXPORTER_OTLP_HEADERS may carry credentials too.
      return "Telemetry[enabled="
          + enabled
          + ", hyperdxEnabled="
          + hyperdxEnabled
          + ", otelVariables="
          + otelVariables.keySet()
          + "]";
    }
  }

  /** STT_LOG_FORMAT; applied by logback.xml, validated here so a typo stops start-up. */
  public enum LogFormat {
    /** JSON when the process has no terminal (a container), text on a terminal. */
    AUTO,
    JSON,
    TEXT
  }
}
