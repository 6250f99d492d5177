package ai.voice.stt.whisperserver;

import ai.voice.stt.recognizer.InferenceScheduler;
import ai.voice.stt.recognizer.Recognizer;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A recognizer served as an OpenAI-compatible Whisper endpoint, so the same artifact can run the
 * GPU (or CPU) pods that {@code STT_RECOGNIZER=http} talks to.
 *
 * <p>Routes: {@code POST /v1/audio/transcriptions} (json, verbose_json, text), the same form at
 * {@code POST /inference} for whisper.cpp clients, {@code GET /health}. Virtual threads carry the
 * I/O; inference runs on the {@link InferenceScheduler}'s bounded platform pool. At most {@code
 * workers + queue} requests are admitted at once; the rest get 429 at once.
 */
public final class WhisperServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WhisperServer.class);

  /**
   * @param queue requests that may wait for a worker, beyond those being transcribed
   * @param maxUploadBytes larger uploads get 413 (OpenAI's documented limit is 25 MB)
   */
  public record Settings(String host, int port, int queue, int maxUploadBytes) {}

  private final HttpServer server;
  private final ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
  private final InferenceScheduler inference;
  private final Semaphore admission;
  private final int admitted;
  private volatile boolean closing;

  private WhisperServer(Settings settings, Recognizer recognizer) throws IOException {
    this.inference = new InferenceScheduler(recognizer, settings.queue());
    this.admitted = recognizer.maxConcurrency() + settings.queue();
    this.admission = new Semaphore(admitted);
    Replies replies = new Replies();
    TranscriptionHandler transcriptions =
        new TranscriptionHandler(
            inference, admission, settings.maxUploadBytes(), () -> closing, replies);
    this.server = HttpServer.create(new InetSocketAddress(settings.host(), settings.port()), 128);
    server.createContext("/v1/audio/transcriptions", transcriptions);
    server.createContext("/inference", transcriptions);
    server.createContext("/health", exchange -> replies.health(exchange, !closing));
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            replies.error(
                exchange, 404, "invalid_request_error", "no route " + exchange.getRequestURI());
          }
        });
    server.setExecutor(handlers);
  }

  /**
   * Starts serving. The recognizer is owned by the server from here on and closed with it.
   *
   * @throws IOException when the port cannot be bound
   */
  public static WhisperServer start(Settings settings, Recognizer recognizer) throws IOException {
    WhisperServer whisper;
    try {
      whisper = new WhisperServer(settings, recognizer);
    } catch (IOException | RuntimeException e) {
      recognizer.close();
      throw e;
    }
    whisper.server.start();
    log.info(
        "whisper-server listening on http://{}:{} | {} | queue {} | uploads up to {} MB",
        settings.host(),
        whisper.port(),
        recognizer.describe(),
        settings.queue(),
        settings.maxUploadBytes() / 1_000_000);
    return whisper;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** Requests admitted and not yet answered: being transcribed or waiting for a worker. */
  public int inFlight() {
    return admitted - admission.availablePermits();
  }

  /**
   * Stops admitting (health and new requests answer 503), lets admitted requests finish within the
   * grace period, then stops the listener and frees the recognizer.
   */
  public void close(Duration grace) {
    closing = true;
    try {
      if (!admission.tryAcquire(admitted, grace.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("whisper-server: requests still running after {} s", grace.toSeconds());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    server.stop(0);
    handlers.close();
    inference.close();
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(20));
  }
}
