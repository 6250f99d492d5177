package ai.voice.stt.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.config.SttConfig.ApiKey;
import ai.voice.stt.config.SttConfig.HttpWhisper;
import ai.voice.stt.config.SttConfig.RecognizerKind;
import ai.voice.stt.config.SttConfig.ResponseFormat;
import ai.voice.stt.config.SttConfig.WhisperApi;
import io.nats.client.NKey;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  @Test
  void emptyEnvironmentGivesTheOriginalModulesDefaults() {
    SttConfig config = ConfigLoader.load(Map.of(), 2);
    assertEquals(List.of("nats://nats.ai-ml.svc.cluster.local:4222"), config.nats().servers());
    assertEquals("ai.voice.stream.*", config.nats().inputSubscription());
    assertEquals("ai.voice.transcription.abc", config.nats().outputSubject("abc"));
    assertEquals(
        URI.create("http://whisper-predictor.ai-ml.svc.cluster.local"),
        config.recognition().http().url());
    assertEquals("medium", config.recognition().modelSize());
    assertEquals(Path.of("models", "ggml-medium.bin"), config.recognition().modelPath());
    assertEquals("cuda", config.recognition().device());
    assertEquals(512_000, config.streaming().bufferSizeBytes());
    assertEquals(Duration.ofSeconds(2), config.streaming().chunkTimeout());
    assertTrue(config.streaming().vadEnabled());
    assertEquals(SttConfig.VadKind.WEBRTC, config.streaming().vad(), "decisions/0025");
    assertEquals(2, config.streaming().vadAggressiveness());
    assertEquals(
        3, config.streaming().endpointVadAggressiveness(), "an extension, not the module's");
    assertTrue(config.streaming().interruptDetectionEnabled());
    assertTrue(config.operations().otelEnabled());
    assertFalse(config.operations().hyperdxEnabled());
  }

  /** decisions/0027: tenants' session ids span two subject tokens, opt-in. */
  @Test
  void sessionIdsOfTwoTokensAreOptIn() {
    SttConfig.Nats plain = ConfigLoader.load(Map.of(), 2).nats();
    assertEquals("ai.voice.stream.*", plain.inputSubscription());
    assertEquals("abc", plain.sessionIdOf("ai.voice.stream.abc"));
    SttConfig.Nats tenants = ConfigLoader.load(Map.of("STT_SESSION_ID_TOKENS", "2"), 2).nats();
    assertEquals("ai.voice.stream.*.*", tenants.inputSubscription());
    assertEquals("ai.voice.transcription.*.*", tenants.outputSubscription());
    assertEquals("tenant-a.call-1", tenants.sessionIdOf("ai.voice.stream.tenant-a.call-1"));
    assertEquals(
        "ai.voice.transcription.tenant-a.call-1", tenants.outputSubject("tenant-a.call-1"));
    ConfigException three =
        assertThrows(
            ConfigException.class,
            () -> ConfigLoader.load(Map.of("STT_SESSION_ID_TOKENS", "3"), 2));
    assertTrue(three.getMessage().contains("STT_SESSION_ID_TOKENS"), three.getMessage());
  }

  @Test
  void jetStreamBoundsAndRedactionHaveDefaultsAndCanBeSet() {
    SttConfig defaults = ConfigLoader.load(Map.of(), 2);
    assertEquals(1024L << 20, defaults.routing().audioMaxBytes());
    assertEquals(256L << 20, defaults.routing().resultsMaxBytes());
    assertFalse(defaults.operations().redactUserData());
    SttConfig set =
        ConfigLoader.load(
            Map.of(
                "STT_AUDIO_STREAM_MAX_MB", "10",
                "STT_RESULTS_STREAM_MAX_MB", "5",
                "STT_REDACT_USER_DATA", "true"),
            2);
    assertEquals(10L << 20, set.routing().audioMaxBytes());
    assertEquals(5L << 20, set.routing().resultsMaxBytes());
    assertTrue(set.operations().redactUserData());
  }

  @Test
  void natsUrlAcceptsACommaSeparatedServerList() {
    SttConfig config = ConfigLoader.load(Map.of("NATS_URL", "nats://a:4222, nats://b:4222"), 2);
    assertEquals(List.of("nats://a:4222", "nats://b:4222"), config.nats().servers());
  }

  @Test
  void chunkTimeoutIsReadAsDecimalSeconds() {
    SttConfig config = ConfigLoader.load(Map.of("STT_CHUNK_TIMEOUT", "2.5"), 2);
    assertEquals(Duration.ofMillis(2500), config.streaming().chunkTimeout());
  }

  @Test
  void inferenceWorkersDefaultToOneSingleThreadedWorkerPerCore() {
    SttConfig config = ConfigLoader.load(Map.of(), 8);
    assertEquals(8, config.recognition().workers());
    assertEquals(1, config.recognition().threadsPerWorker());
  }

  @Test
  void theWorkerCountSaysWhereItCameFrom() {
    assertEquals(
        "2 workers (from 2 available processors; STT_INFERENCE_WORKERS unset)",
        ConfigLoader.load(Map.of(), 2).recognition().describeWorkers());
    assertEquals(
        "4 workers (from 8 available processors / STT_WHISPER_THREADS=2;"
            + " STT_INFERENCE_WORKERS unset)",
        ConfigLoader.load(Map.of("STT_WHISPER_THREADS", "2"), 8).recognition().describeWorkers());
    assertEquals(
        "1 worker (from 1 available processor; STT_INFERENCE_WORKERS unset)",
        ConfigLoader.load(Map.of(), 1).recognition().describeWorkers());
    assertEquals(
        "4 workers (STT_INFERENCE_WORKERS=4)",
        ConfigLoader.load(Map.of("STT_INFERENCE_WORKERS", "4"), 2).recognition().describeWorkers());
  }

  @Test
  void modelSizeSelectsTheModelFileInTheModelDirectory() {
    SttConfig config =
        ConfigLoader.load(Map.of("WHISPER_MODEL_SIZE", "tiny.en", "STT_MODEL_DIR", "/m"), 2);
    assertEquals(Path.of("/m/ggml-tiny.en.bin"), config.recognition().modelPath());
    assertEquals(Path.of("/m/silero_vad.onnx"), config.streaming().vadModelPath());
  }

  @Test
  void theVadIsChosenByName() {
    SttConfig silero = ConfigLoader.load(Map.of("STT_VAD", "Silero"), 2);
    assertEquals(SttConfig.VadKind.SILERO, silero.streaming().vad());
    assertEquals(Path.of("models", "silero_vad.onnx"), silero.streaming().vadModelPath());
    SttConfig elsewhere =
        ConfigLoader.load(Map.of("STT_VAD", "silero", "STT_VAD_MODEL_PATH", "/v/s.onnx"), 2);
    assertEquals(Path.of("/v/s.onnx"), elsewhere.streaming().vadModelPath());
    assertEquals(
        SttConfig.VadKind.WEBRTC,
        ConfigLoader.load(Map.of("STT_VAD", "webrtc"), 2).streaming().vad());
  }

  @Test
  void thePreRollDefaultsToTheVadsOnsetLagAndCanBeSet() {
    assertEquals(Duration.ofMillis(300), ConfigLoader.load(Map.of(), 2).streaming().preRoll());
    assertEquals(
        Duration.ofMillis(600),
        ConfigLoader.load(Map.of("STT_VAD", "silero"), 2).streaming().preRoll());
    assertEquals(
        Duration.ofMillis(200),
        ConfigLoader.load(Map.of("STT_VAD", "silero", "STT_PRE_ROLL_MS", "200"), 2)
            .streaming()
            .preRoll());
  }

  @Test
  void invalidValuesFailWithAMessageNamingTheVariable() {
    assertMessageNames("STT_VAD_AGGRESSIVENESS", Map.of("STT_VAD_AGGRESSIVENESS", "4"));
    assertMessageNames("STT_VAD", Map.of("STT_VAD", "cobra"));
    assertMessageNames("STT_ENABLE_VAD", Map.of("STT_ENABLE_VAD", "maybe"));
    assertMessageNames("STT_CHUNK_TIMEOUT", Map.of("STT_CHUNK_TIMEOUT", "soon"));
    assertMessageNames("STT_BUFFER_SIZE_BYTES", Map.of("STT_BUFFER_SIZE_BYTES", "-1"));
    assertMessageNames("WHISPER_DEVICE", Map.of("WHISPER_DEVICE", "tpu"));
    assertMessageNames("STT_RECOGNIZER", Map.of("STT_RECOGNIZER", "magic"));
    assertMessageNames("STT_INPUT_SUBJECT_PREFIX", Map.of("STT_INPUT_SUBJECT_PREFIX", "a.*"));
    assertMessageNames("STT_WHISPER_AUDIO_CTX", Map.of("STT_WHISPER_AUDIO_CTX", "big"));
  }

  @Test
  void sessionCapsDefaultToAnHourOfAudioAndFourHoursOpen() {
    SttConfig.Limits limits = ConfigLoader.load(Map.of(), 2).limits();
    assertEquals(Duration.ofHours(1), limits.maxSessionAudio());
    assertEquals(Duration.ofHours(4), limits.maxSessionDuration());
  }

  @Test
  void sessionCapsAreSecondsFromOneSecondToAWeek() {
    SttConfig.Limits limits =
        ConfigLoader.load(
                Map.of("STT_MAX_SESSION_AUDIO_SECONDS", "90.5", "STT_MAX_SESSION_DURATION", "600"),
                2)
            .limits();
    assertEquals(Duration.ofMillis(90_500), limits.maxSessionAudio());
    assertEquals(Duration.ofMinutes(10), limits.maxSessionDuration());
    assertMessageNames(
        "STT_MAX_SESSION_AUDIO_SECONDS", Map.of("STT_MAX_SESSION_AUDIO_SECONDS", "0"));
    assertMessageNames(
        "STT_MAX_SESSION_AUDIO_SECONDS", Map.of("STT_MAX_SESSION_AUDIO_SECONDS", "an hour"));
    assertMessageNames("STT_MAX_SESSION_DURATION", Map.of("STT_MAX_SESSION_DURATION", "-5"));
    assertMessageNames("STT_MAX_SESSION_DURATION", Map.of("STT_MAX_SESSION_DURATION", "604801"));
  }

  @Test
  void admissionControlStartsAtTwoWaitingUtterancesPerWorker() {
    assertEquals(4, ConfigLoader.load(Map.of(), 2).limits().admissionQueueDepth());
    assertEquals(16, ConfigLoader.load(Map.of(), 8).limits().admissionQueueDepth());
    assertEquals(
        0,
        ConfigLoader.load(Map.of("STT_ADMISSION_QUEUE_DEPTH", "0"), 2)
            .limits()
            .admissionQueueDepth(),
        "0 turns it off");
  }

  @Test
  void theInferenceQueueHoldsOneUtteranceOfEveryOpenSession() {
    assertEquals(256, ConfigLoader.load(Map.of(), 2).recognition().queueCapacity());
    assertEquals(
        256,
        ConfigLoader.load(Map.of("STT_INFERENCE_QUEUE_SIZE", "64"), 2)
            .recognition()
            .queueCapacity(),
        "raised to STT_MAX_SESSIONS");
    assertEquals(
        1000,
        ConfigLoader.load(Map.of("STT_INFERENCE_QUEUE_SIZE", "1000"), 2)
            .recognition()
            .queueCapacity());
  }

  @Test
  void aSessionsBacklogIsBoundedInAudioSeconds() {
    assertEquals(
        java.time.Duration.ofSeconds(32),
        ConfigLoader.load(Map.of(), 2).limits().maxSessionBacklog());
    assertMessageNames("STT_SESSION_BACKLOG_SECONDS", Map.of("STT_SESSION_BACKLOG_SECONDS", "0"));
  }

  @Test
  void speculationStartsSomeWayIntoAPauseShorterThanTheSilenceKeptWithASegment() {
    assertEquals(
        7,
        ai.voice.stt.session.SegmenterSettings.from(ConfigLoader.load(Map.of(), 2).streaming())
            .speculateFrames(),
        "210 ms by default: the trailing silence kept with a segment");
    assertEquals(
        2,
        ai.voice.stt.session.SegmenterSettings.from(
                ConfigLoader.load(Map.of("STT_SPECULATE_AFTER_MS", "60"), 2).streaming())
            .speculateFrames());
    assertMessageNames("STT_SPECULATE_AFTER_MS", Map.of("STT_SPECULATE_AFTER_MS", "300"));
  }

  @Test
  void sessionsWhoseTurnsAreJudgedLookWhenEverySessionDoesUnlessSetApart() {
    java.time.Duration ms90 = java.time.Duration.ofMillis(90);
    assertEquals(
        java.time.Duration.ofMillis(210),
        ConfigLoader.load(Map.of(), 2).streaming().turn().speculateAfter());
    assertEquals(
        ms90,
        ConfigLoader.load(Map.of("STT_SPECULATE_AFTER_MS", "90"), 2)
            .streaming()
            .turn()
            .speculateAfter(),
        "an operator's STT_SPECULATE_AFTER_MS still covers turn sessions");
    SttConfig apart = ConfigLoader.load(Map.of("STT_TURN_SPECULATE_AFTER_MS", "90"), 2);
    assertEquals(ms90, apart.streaming().turn().speculateAfter());
    assertEquals(java.time.Duration.ofMillis(210), apart.streaming().speculateAfter());
    assertMessageNames("STT_TURN_SPECULATE_AFTER_MS", Map.of("STT_TURN_SPECULATE_AFTER_MS", "300"));
  }

  @Test
  void endpointSilenceMustBeShorterThanTheChunkTimeout() {
    assertMessageNames(
        "STT_ENDPOINT_SILENCE_MS",
        Map.of("STT_CHUNK_TIMEOUT", "0.5", "STT_ENDPOINT_SILENCE_MS", "600"));
  }

  @Test
  void httpRecognizerDefaultsToTheOpenAiRouteWithVerboseJsonAndBoundedRetries() {
    SttConfig config = ConfigLoader.load(Map.of("STT_RECOGNIZER", "http"), 2);
    HttpWhisper http = config.recognition().http();
    assertEquals(RecognizerKind.HTTP, config.recognition().kind());
    assertEquals(WhisperApi.OPENAI, http.api());
    assertEquals(ResponseFormat.VERBOSE_JSON, http.responseFormat());
    assertEquals("whisper-1", http.model());
    assertEquals(Optional.empty(), http.apiKey());
    assertEquals(8, http.concurrency());
    assertEquals(Duration.ofSeconds(2), http.connectTimeout());
    assertEquals(Duration.ofSeconds(15), http.requestTimeout());
    assertEquals(3, http.retries());
    assertEquals(Duration.ofMillis(250), http.backoff());
    assertEquals(5, http.breakerFailures());
    assertEquals(Duration.ofSeconds(5), http.breakerOpen());
  }

  @Test
  void httpRecognizerSettingsAreReadFromTheirVariables() {
    HttpWhisper http =
        ConfigLoader.load(
                Map.ofEntries(
                    Map.entry("WHISPER_URL", "https://asr.example:9000/base"),
                    Map.entry("STT_WHISPER_API", "whisper-cpp"),
                    Map.entry("STT_WHISPER_HTTP_RESPONSE_FORMAT", "json"),
                    Map.entry("STT_WHISPER_HTTP_MODEL", "openai/whisper-large-v3"),
                    Map.entry("STT_WHISPER_HTTP_CONCURRENCY", "32"),
                    Map.entry("STT_WHISPER_HTTP_CONNECT_TIMEOUT", "0.5"),
                    Map.entry("STT_WHISPER_HTTP_TIMEOUT", "2.5"),
                    Map.entry("STT_WHISPER_HTTP_RETRIES", "0"),
                    Map.entry("STT_WHISPER_HTTP_BACKOFF_MS", "40"),
                    Map.entry("STT_WHISPER_HTTP_BREAKER_FAILURES", "2"),
                    Map.entry("STT_WHISPER_HTTP_BREAKER_OPEN", "1.5")),
                2)
            .recognition()
            .http();
    assertEquals(URI.create("https://asr.example:9000/base"), http.url());
    assertEquals(WhisperApi.WHISPER_CPP, http.api());
    assertEquals(ResponseFormat.JSON, http.responseFormat());
    assertEquals("openai/whisper-large-v3", http.model());
    assertEquals(32, http.concurrency());
    assertEquals(Duration.ofMillis(500), http.connectTimeout());
    assertEquals(Duration.ofMillis(2500), http.requestTimeout());
    assertEquals(0, http.retries());
    assertEquals(Duration.ofMillis(40), http.backoff());
    assertEquals(2, http.breakerFailures());
    assertEquals(Duration.ofMillis(1500), http.breakerOpen());
  }

  @Test
  void aRecognitionMayTakeThirtySecondsPlusTenTimesItsAudioUnlessConfigured() {
    SttConfig.Recognition defaults = ConfigLoader.load(Map.of(), 2).recognition();
    assertEquals(Duration.ofSeconds(30), defaults.timeoutBase());
    assertEquals(10.0, defaults.timeoutFactor());
    SttConfig.Recognition set =
        ConfigLoader.load(
                Map.of(
                    "STT_RECOGNITION_TIMEOUT_BASE", "2.5",
                    "STT_RECOGNITION_TIMEOUT_FACTOR", "0"),
                2)
            .recognition();
    assertEquals(Duration.ofMillis(2_500), set.timeoutBase());
    assertEquals(0.0, set.timeoutFactor());
    for (String bad : new String[] {"0", "-1", "soon", "7200"}) {
      assertMessageNames(
          "STT_RECOGNITION_TIMEOUT_BASE", Map.of("STT_RECOGNITION_TIMEOUT_BASE", bad));
    }
    for (String bad : new String[] {"-0.5", "NaN", "x", "1e9"}) {
      assertMessageNames(
          "STT_RECOGNITION_TIMEOUT_FACTOR", Map.of("STT_RECOGNITION_TIMEOUT_FACTOR", bad));
    }
  }

  @Test
  void aWhisperUrlsPasswordIsNeverShown() {
    for (String bad :
        new String[] {
          "http://svc:hunter2@bad host/x", "svc:hunter2@whisper:80", "ftp://svc:hunter2@h/x@y"
        }) {
      ConfigException e =
          assertThrows(
              ConfigException.class, () -> ConfigLoader.load(Map.of("WHISPER_URL", bad), 2));
      assertTrue(e.getMessage().contains("WHISPER_URL"), e.getMessage());
      assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
      assertTrue(e.getMessage().contains("***@"), e.getMessage());
    }
    SttConfig valid =
        ConfigLoader.load(Map.of("WHISPER_URL", "https://svc:hunter2@asr.example:9000/base"), 2);
    String shown = valid.recognition().http().toString() + valid.toString();
    assertFalse(shown.contains("hunter2"), shown);
    assertTrue(shown.contains("https://***@asr.example:9000/base"), shown);
  }

  @Test
  void invalidHttpRecognizerValuesFailWithAMessageNamingTheVariable() {
    assertMessageNames("WHISPER_URL", Map.of("WHISPER_URL", "whisper-predictor:80"));
    assertMessageNames("WHISPER_URL", Map.of("WHISPER_URL", "ftp://host/x"));
    assertMessageNames("STT_WHISPER_API", Map.of("STT_WHISPER_API", "grpc"));
    assertMessageNames(
        "STT_WHISPER_HTTP_RESPONSE_FORMAT", Map.of("STT_WHISPER_HTTP_RESPONSE_FORMAT", "srt"));
    assertMessageNames("STT_WHISPER_HTTP_TIMEOUT", Map.of("STT_WHISPER_HTTP_TIMEOUT", "0"));
    assertMessageNames("STT_WHISPER_HTTP_RETRIES", Map.of("STT_WHISPER_HTTP_RETRIES", "-1"));
    assertMessageNames("STT_WHISPER_HTTP_CONCURRENCY", Map.of("STT_WHISPER_HTTP_CONCURRENCY", "0"));
    assertMessageNames(
        "STT_WHISPER_HTTP_BREAKER_FAILURES", Map.of("STT_WHISPER_HTTP_BREAKER_FAILURES", "x"));
  }

  @Test
  void apiKeyComesFromTheEnvironmentOrAMountedFileAndIsNeverPrinted(@TempDir Path dir)
      throws IOException {
    HttpWhisper inline =
        ConfigLoader.load(Map.of("STT_WHISPER_API_KEY", "sk-inline-123"), 2).recognition().http();
    assertEquals(Optional.of(new ApiKey("sk-inline-123")), inline.apiKey());
    assertFalse(inline.toString().contains("sk-inline-123"), inline.toString());

    Path secret = Files.writeString(dir.resolve("key"), "sk-from-file-456\n");
    SttConfig fromFile =
        ConfigLoader.load(Map.of("STT_WHISPER_API_KEY_FILE", secret.toString()), 2);
    assertEquals("sk-from-file-456", fromFile.recognition().http().apiKey().orElseThrow().value());
    assertFalse(fromFile.toString().contains("sk-from-file-456"));
  }

  @Test
  void apiKeyProblemsNameTheVariableButNotTheKey(@TempDir Path dir) {
    assertMessageNames(
        "STT_WHISPER_API_KEY_FILE",
        Map.of("STT_WHISPER_API_KEY_FILE", dir.resolve("missing").toString()));
    assertMessageNames(
        "both set", Map.of("STT_WHISPER_API_KEY", "a", "STT_WHISPER_API_KEY_FILE", dir.toString()));
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> ConfigLoader.load(Map.of("STT_WHISPER_API_KEY", "secret with spaces"), 2));
    assertTrue(e.getMessage().contains("STT_WHISPER_API_KEY"), e.getMessage());
    assertFalse(e.getMessage().contains("secret"), e.getMessage());
  }

  @Test
  void hyperdxNeedsAKeyFromTheEnvironmentOrAMountedFile(@TempDir Path dir) throws IOException {
    assertMessageNames("HYPERDX_API_KEY", Map.of("HYPERDX_ENABLED", "true"));

    Path secret = Files.writeString(dir.resolve("hyperdx"), "hdx-key-789\n");
    SttConfig config =
        ConfigLoader.load(
            Map.of("HYPERDX_ENABLED", "true", "HYPERDX_API_KEY_FILE", secret.toString()), 2);
    assertTrue(config.operations().hyperdxEnabled());
    assertEquals(
        "hdx-key-789", config.operations().telemetry().hyperdxApiKey().orElseThrow().value());
    assertFalse(config.toString().contains("hdx-key-789"), config.toString());
    assertMessageNames(
        "both set", Map.of("HYPERDX_API_KEY", "a", "HYPERDX_API_KEY_FILE", secret.toString()));
  }

  @Test
  void otelVariablesArePassedOnForTheSdkWithoutShowingTheirValues() {
    SttConfig config =
        ConfigLoader.load(
            Map.of(
                "OTEL_ENABLED", "false",
                "OTEL_EXPORTER_OTLP_HEADERS", "x-api-key=secret-1",
                "OTEL_SERVICE_NAME", "stt-eu"),
            2);
    SttConfig.Telemetry telemetry = config.operations().telemetry();
    assertFalse(telemetry.enabled());
    assertEquals("stt-eu", telemetry.otelVariables().get("OTEL_SERVICE_NAME"));
    assertFalse(config.toString().contains("secret-1"), config.toString());
  }

  @Test
  void logFormatIsAutoJsonOrText() {
    assertEquals(SttConfig.LogFormat.AUTO, ConfigLoader.load(Map.of(), 2).operations().logFormat());
    assertEquals(
        SttConfig.LogFormat.JSON,
        ConfigLoader.load(Map.of("STT_LOG_FORMAT", "JSON"), 2).operations().logFormat());
    assertMessageNames("STT_LOG_FORMAT", Map.of("STT_LOG_FORMAT", "xml"));
  }

  @Test
  void withoutNatsCredentialsTheConnectionIsPlain() {
    NatsSecurity security = ConfigLoader.load(Map.of(), 2).nats().security();
    assertInstanceOf(NatsSecurity.Auth.None.class, security.auth());
    assertTrue(security.tls().isEmpty());
  }

  @Test
  void natsUserAndPasswordComeFromTheEnvironmentOrMountedFiles(@TempDir Path dir) throws Exception {
    Path password = Files.writeString(dir.resolve("password"), "s3cret-pa55\n");
    NatsSecurity.Auth auth =
        ConfigLoader.load(
                Map.of("NATS_USER", "alice", "NATS_PASSWORD_FILE", password.toString()), 2)
            .nats()
            .security()
            .auth();
    assertEquals(
        new NatsSecurity.Auth.UserPassword("alice", new Secret("s3cret-pa55")),
        auth,
        "the file's content, without its trailing newline");
    assertMessageNames("NATS_PASSWORD", Map.of("NATS_USER", "alice"));
    assertMessageNames(
        "NATS_PASSWORD_FILE",
        Map.of(
            "NATS_USER", "alice", "NATS_PASSWORD", "x", "NATS_PASSWORD_FILE", password.toString()));
    assertMessageNames(
        "NATS_PASSWORD_FILE",
        Map.of("NATS_USER", "alice", "NATS_PASSWORD_FILE", dir.resolve("absent").toString()));
  }

  @Test
  void tokenNKeySeedAndCredsFileAreEachOneWayToAuthenticate(@TempDir Path dir) throws Exception {
    String seed = new String(NKey.createUser(new SecureRandom()).getSeed());
    Path creds =
        Files.writeString(
            dir.resolve("user.creds"),
            "-----BEGIN NATS USER JWT-----\nx\n------END NATS USER JWT------\n"
                + "-----BEGIN USER NKEY SEED-----\n"
                + seed
                + "\n------END USER NKEY SEED------\n");
    assertEquals(
        new NatsSecurity.Auth.Token(new Secret("tok")),
        ConfigLoader.load(Map.of("NATS_TOKEN", "tok"), 2).nats().security().auth());
    assertEquals(
        new NatsSecurity.Auth.NKeySeed(new Secret(seed)),
        ConfigLoader.load(Map.of("NATS_NKEY_SEED", seed), 2).nats().security().auth());
    assertEquals(
        new NatsSecurity.Auth.CredsFile(creds),
        ConfigLoader.load(Map.of("NATS_CREDS_FILE", creds.toString()), 2).nats().security().auth());
    ConfigException both =
        assertThrows(
            ConfigException.class,
            () -> ConfigLoader.load(Map.of("NATS_TOKEN", "tok", "NATS_NKEY_SEED", seed), 2));
    assertTrue(
        both.getMessage().contains("NATS_TOKEN") && both.getMessage().contains("NATS_NKEY_SEED"),
        both.getMessage());
    assertMessageNames(
        "NATS_URL", Map.of("NATS_URL", "nats://bob:pw@nats:4222", "NATS_TOKEN", "tok"));
    Path notCreds = Files.writeString(dir.resolve("other"), "hello");
    assertMessageNames("NATS_CREDS_FILE", Map.of("NATS_CREDS_FILE", notCreds.toString()));
  }

  @Test
  void aMalformedSecretIsRejectedWithoutShowingIt() {
    String almostASeed = "SUNOTAREALSEED" + "A".repeat(10);
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> ConfigLoader.load(Map.of("NATS_NKEY_SEED", almostASeed), 2));
    assertTrue(e.getMessage().contains("NATS_NKEY_SEED"), e.getMessage());
    assertFalse(e.getMessage().contains(almostASeed), e.getMessage());
  }

  @Test
  void tlsTakesACaAndAClientCertificateWithItsKey(@TempDir Path dir) throws Exception {
    Path ca = Files.writeString(dir.resolve("ca.pem"), "ca");
    Path cert = Files.writeString(dir.resolve("cert.pem"), "cert");
    Path key = Files.writeString(dir.resolve("key.pem"), "key");
    NatsSecurity.Tls tls =
        ConfigLoader.load(
                Map.of(
                    "NATS_TLS_CA_FILE", ca.toString(),
                    "NATS_TLS_CERT_FILE", cert.toString(),
                    "NATS_TLS_KEY_FILE", key.toString()),
                2)
            .nats()
            .security()
            .tls()
            .orElseThrow();
    assertEquals(Optional.of(ca), tls.caFile());
    assertEquals(Optional.of(new NatsSecurity.ClientCertificate(cert, key)), tls.client());
    assertMessageNames("NATS_TLS_KEY_FILE", Map.of("NATS_TLS_CERT_FILE", cert.toString()));
    assertMessageNames(
        "NATS_TLS_CA_FILE", Map.of("NATS_TLS_CA_FILE", dir.resolve("absent.pem").toString()));
  }

  @Test
  void theConfigurationsTextShowsNoSecret() {
    SttConfig config = ConfigLoader.load(Map.of("NATS_URL", "nats://bob:hunter2@nats:4222"), 2);
    SttConfig withPassword =
        ConfigLoader.load(Map.of("NATS_USER", "alice", "NATS_PASSWORD", "hunter3"), 2);
    assertFalse(config.toString().contains("hunter2"), config.toString());
    assertTrue(config.toString().contains("nats://***@nats:4222"), config.toString());
    assertFalse(withPassword.toString().contains("hunter3"), withPassword.toString());
  }

  private static void assertMessageNames(String variable, Map<String, String> env) {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(env, 2));
    assertTrue(e.getMessage().contains(variable), e.getMessage());
  }
}
