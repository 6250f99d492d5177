package ai.voice.stt.cli;

import ai.voice.stt.config.SttConfig.AudioContext;
import ai.voice.stt.recognizer.LocalWhisperRecognizer;
import ai.voice.stt.whisperserver.WhisperServer;
import java.nio.file.Path;
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
          + " STT_RECOGNIZER=http WHISPER_URL=http://HOST:PORT."
    })
final class WhisperServerCommand implements Callable<Integer> {
  static final int EXIT_START_FAILED = 3;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--host",
      defaultValue = "0.0.0.0",
      description = "address to listen on (default: ${DEFAULT-VALUE})")
  String host;

  @Option(
      names = "--port",
      defaultValue = "8000",
      description = "port; 0 picks a free one (default: ${DEFAULT-VALUE})")
  int port;

  @Option(
      names = "--model",
      defaultValue = "${env:STT_MODEL_PATH:-models/ggml-tiny.en.bin}",
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

  @Override
  public Integer call() throws InterruptedException {
    int cores = Runtime.getRuntime().availableProcessors();
    int workerCount = workers != null ? workers : Math.max(1, cores / Math.max(1, threads));
    validate(workerCount);
    WhisperServer server;
    try {
      LocalWhisperRecognizer recognizer =
          new LocalWhisperRecognizer(model, workerCount, threads, audioContext());
      server =
          WhisperServer.start(
              new WhisperServer.Settings(host, port, queue, maxUploadMb * 1_000_000), recognizer);
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
