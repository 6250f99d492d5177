package ai.voice.stt.whisperserver;

import ai.voice.stt.config.SttConfig.ApiKey;
import ai.voice.stt.recognizer.InferenceScheduler;
import ai.voice.stt.recognizer.Recognizer;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
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
 * workers + queue} requests whose upload has arrived are admitted at once; the rest get 429 at
 * once.
 *
 * <p>Exposure: it listens on loopback unless given another address, and requires {@code
 * Authorization: Bearer <key>} when given a key. An upload must arrive within {@code
 * uploadTimeout}, and at most {@code maxUploads} requests hold an upload at once.
 */
public final class WhisperServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WhisperServer.class);

  /**
   * @param host the address to listen on; {@link #LOOPBACK} unless the server must be reached from
   *     other machines
   * @param queue requests that may wait for a worker, beyond those being transcribed
   * @param maxUploadBytes larger uploads get 413 (OpenAI's documented limit is 25 MB)
   * @param maxAudio longer audio gets 400, before it is resampled
   * @param uploadTimeout an upload (headers read) must arrive whole within this; past it the
   *     connection is closed
   * @param maxUploads requests holding an upload at once, from its first byte to the answer; 0:
   *     twice workers + queue
   * @param apiKey when present, requests must carry it as {@code Authorization: Bearer}
   */
  public record Settings(
      String host,
      int port,
      int queue,
      int maxUploadBytes,
      Duration maxAudio,
      Duration uploadTimeout,
      int maxUploads,
      Optional<ApiKey> apiKey) {
    public static final String LOOPBACK = "127.0.0.1";
    public static final Duration DEFAULT_MAX_AUDIO = Duration.ofMinutes(5);
    public static final Duration DEFAULT_UPLOAD_TIMEOUT = Duration.ofSeconds(60);

    /** The defaults for the rest: 5 min of audio, 60 s per upload, no key. */
    public Settings(String host, int port, int queue, int maxUploadBytes) {
      this(
          host,
          port,
          queue,
          maxUploadBytes,
          DEFAULT_MAX_AUDIO,
          DEFAULT_UPLOAD_TIMEOUT,
          0,
          Optional.empty());
    }

    public Settings withApiKey(ApiKey key) {
      return new Settings(
          host, port, queue, maxUploadBytes, maxAudio, uploadTimeout, maxUploads, Optional.of(key));
    }

    public Settings withUploads(Duration timeout, int max) {
      return new Settings(host, port, queue, maxUploadBytes, maxAudio, timeout, max, apiKey);
    }

    public Settings withMaxAudio(Duration max) {
      return new Settings(
          host, port, queue, maxUploadBytes, max, uploadTimeout, maxUploads, apiKey);
    }
  }

  private final HttpServer server;
  private final ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
  private final ScheduledExecutorService timers =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().daemon().name("upload-deadlines").factory());
  private final InferenceScheduler inference;
  private final Semaphore admission;
  private final int admitted;
  private final Semaphore uploads;
  private final int uploadSlots;
  private volatile boolean closing;

  private WhisperServer(Settings settings, Recognizer recognizer) throws IOException {
    this.inference = new InferenceScheduler(recognizer, settings.queue());
    this.admitted = recognizer.maxConcurrency() + settings.queue();
    this.admission = new Semaphore(admitted);
    this.uploadSlots = settings.maxUploads() > 0 ? settings.maxUploads() : 2 * admitted;
    this.uploads = new Semaphore(uploadSlots);
    Replies replies = new Replies();
    TranscriptionHandler.Limits limits =
        new TranscriptionHandler.Limits(
            admission,
            uploads,
            settings.maxUploadBytes(),
            settings.maxAudio(),
            settings.uploadTimeout(),
            settings.apiKey().map(BearerKey::new),
            timers);
    TranscriptionHandler transcriptions =
        new TranscriptionHandler(inference, limits, () -> closing, replies);
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
        "whisper-server listening on http://{}:{} | {} | queue {} | uploads up to {} MB, {} s of"
            + " audio, {} s to arrive | {}",
        settings.host(),
        whisper.port(),
        recognizer.describe(),
        settings.queue(),
        settings.maxUploadBytes() / 1_000_000,
        settings.maxAudio().toSeconds(),
        settings.uploadTimeout().toSeconds(),
        settings.apiKey().isPresent() ? "API key required" : "no authentication");
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
   * Transcription requests not yet answered, from their upload's first byte: receiving it, waiting
   * for a worker or being transcribed.
   */
  public int requests() {
    return uploadSlots - uploads.availablePermits();
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
    timers.shutdownNow();
    inference.close();
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(20));
  }
}
