package ai.voice.stt.cli;

import ai.voice.stt.config.ConfigException;
import ai.voice.stt.config.ConfigLoader;
import ai.voice.stt.config.SttConfig.ApiKey;
import ai.voice.stt.config.SttConfig.AudioContext;
import ai.voice.stt.recognizer.LocalWhisperRecognizer;
import ai.voice.stt.whisperserver.WhisperServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Serves the local whisper.cpp recognizer as an OpenAI-compatible transcription endpoint. */
@Command(
    name = "whisper-server",
    mixinStandardHelpOptions = true,
    description = {
      "Serve the local whisper.cpp model over HTTP: POST /v1/audio/transcriptions (OpenAI API;"
          + " json, verbose_json, text), the same form at POST /inference, GET /health.",
      "Accepts 16-bit PCM WAV at 8-48 kHz, mono or stereo. The service talks to it with"
          + " STT_RECOGNIZER=http WHISPER_URL=http://HOST:PORT.",
      "Listens on loopback unless --host says otherwise. With STT_WHISPER_SERVER_API_KEY (or"
          + " STT_WHISPER_SERVER_API_KEY_FILE, a file holding it) set, requests must carry"
          + " 'Authorization: Bearer <key>' (the service sends STT_WHISPER_API_KEY so)."
    })
final class WhisperServerCommand implements Callable<Integer> {
  static final int EXIT_BAD_CONFIG = 2;
  static final int EXIT_START_FAILED = 3;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--host",
      defaultValue = "${env:STT_WHISPER_SERVER_HOST:-" + WhisperServer.Settings.LOOPBACK + "}",
      description =
          "address to listen on; 0.0.0.0 for every interface (default: ${DEFAULT-VALUE}, or"
              + " STT_WHISPER_SERVER_HOST)")
  String host;

  @Option(
      names = "--port",
      defaultValue = "8000",
      description = "port; 0 picks a free one (default: ${DEFAULT-VALUE})")
  int port;

  @Option(
      names = "--model",
      defaultValue = "${env:STT_MODEL_PATH:-" + ConfigLoader.PROJECT_MODEL + "}",
      description = "ggml model (default: ${DEFAULT-VALUE})")
  Path model;

  @Option(
      names = "--threads",
      defaultValue = "1",
      description = "whisper threads per transcription (default: ${DEFAULT-VALUE})")
  int threads;

  @Option(names = "--workers", description = "transcriptions at once (default: cores / threads)")
  Integer workers;

  @Option(
      names = "--queue",
      defaultValue = "16",
      description = "requests waiting for a worker before 429 answers (default: ${DEFAULT-VALUE})")
  int queue;

  @Option(
      names = "--audio-ctx",
      defaultValue = "auto",
      description = "auto, full, or encoder frames 64-1500 (default: ${DEFAULT-VALUE})")
  String audioCtx;

  @Option(
      names = "--max-upload-mb",
      defaultValue = "25",
      description = "larger uploads get 413 (default: ${DEFAULT-VALUE}, as OpenAI's API)")
  int maxUploadMb;

  @Option(
      names = "--max-audio-seconds",
      defaultValue = "300",
      description = "longer audio gets 400, before it is resampled (default: ${DEFAULT-VALUE})")
  int maxAudioSeconds;

  @Option(
      names = "--upload-timeout",
      defaultValue = "60",
      description =
          "seconds an upload may take to arrive; then the connection is closed (default:"
              + " ${DEFAULT-VALUE})")
  int uploadTimeoutSeconds;

  @Option(
      names = "--max-uploads",
      description =
          "requests holding an upload at once, from its first byte to the answer; more get 429"
              + " (default: twice workers + queue)")
  Integer maxUploads;

  @Override
  public Integer call() throws InterruptedException {
    int cores = Runtime.getRuntime().availableProcessors();
    int workerCount = workers != null ? workers : Math.max(1, cores / Math.max(1, threads));
    validate(workerCount);
    Optional<ApiKey> key;
    try {
      key = ConfigLoader.whisperServerApiKey(System.getenv());
    } catch (ConfigException e) {
      System.err.println("stt whisper-server: " + e.getMessage());
      return EXIT_BAD_CONFIG;
    }
    WhisperServer.Settings settings =
        new WhisperServer.Settings(
            host,
            port,
            queue,
            maxUploadMb * 1_000_000,
            Duration.ofSeconds(maxAudioSeconds),
            Duration.ofSeconds(uploadTimeoutSeconds),
            maxUploads == null ? 0 : maxUploads,
            key);
    WhisperServer server;
    try {
      LocalWhisperRecognizer recognizer =
          new LocalWhisperRecognizer(model, workerCount, threads, audioContext());
      server = WhisperServer.start(settings, recognizer);
    } catch (Exception e) {
      System.err.println("stt whisper-server: cannot start: " + e.getMessage());
      return EXIT_START_FAILED;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                },
                "shutdown"));
    stopped.await();
    return 0;
  }

  private void validate(int workerCount) {
    require(port >= 0 && port <= 65_535, "--port must be 0-65535");
    require(threads >= 1 && threads <= 256, "--threads must be 1-256");
    require(workerCount >= 1 && workerCount <= 256, "--workers must be 1-256");
    require(queue >= 1 && queue <= 100_000, "--queue must be 1-100000");
    require(maxUploadMb >= 1 && maxUploadMb <= 2_000, "--max-upload-mb must be 1-2000");
    require(
        maxAudioSeconds >= 1 && maxAudioSeconds <= 86_400, "--max-audio-seconds must be 1-86400");
    require(
        uploadTimeoutSeconds >= 1 && uploadTimeoutSeconds <= 3_600,
        "--upload-timeout must be 1-3600");
    require(maxUploads == null || maxUploads >= 1, "--max-uploads must be at least 1");
    audioContext();
  }

  private AudioContext audioContext() {
    return switch (audioCtx) {
      case "auto" -> AudioContext.AUTO;
      case "full" -> AudioContext.FULL;
      default -> {
        int frames;
        try {
          frames = Integer.parseInt(audioCtx);
        } catch (NumberFormatException e) {
          frames = -1;
        }
        require(frames >= 64 && frames <= 1500, "--audio-ctx must be auto, full or 64-1500");
        yield new AudioContext(frames);
      }
    };
  }

  private void require(boolean condition, String message) {
    if (!condition) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), message);
    }
  }
}
