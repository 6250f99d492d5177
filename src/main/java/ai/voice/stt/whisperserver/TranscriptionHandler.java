package ai.voice.stt.whisperserver;

import ai.voice.stt.audio.AudioClip;
import ai.voice.stt.audio.AudioNormalizer;
import ai.voice.stt.audio.Pcm16;
import ai.voice.stt.audio.WavFormatException;
import ai.voice.stt.audio.WavReader;
import ai.voice.stt.recognizer.Hints;
import ai.voice.stt.recognizer.InferenceScheduler;
import ai.voice.stt.recognizer.RecognitionException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/audio/transcriptions} (and the same form at whisper.cpp's {@code /inference}):
 * authenticate, read the bounded upload within its deadline, parse the form, decode the WAV and
 * check its length, take an inference permit, resample, wait for the inference queue, answer in the
 * requested format.
 *
 * <p>The inference permit is taken only once the upload is in memory and valid: a client that sends
 * slowly holds an upload slot until its deadline, never a worker or queue place, so slow uploads
 * cannot shut out the requests that arrive whole. The upload slots (one per request from its first
 * byte to its answer) bound the memory that buffered uploads take. A request that finds every
 * worker and queue place taken gets 429; a server that is shutting down answers 503.
 */
final class TranscriptionHandler implements HttpHandler {
  private static final Logger log = LoggerFactory.getLogger(TranscriptionHandler.class);
  // Common telephone to studio rates; AudioNormalizer resamples any of them to 16 kHz.
  private static final int MIN_RATE = 8_000;
  private static final int MAX_RATE = 48_000;
  // How much of an upload refused before it is read (or as too large) is still read to deliver
  // the answer (as Tomcat's maxSwallowSize): a small one gets its answer; a huge one is cut off.
  private static final long SWALLOW_BYTES = 4L << 20;
  private static final String CLIENT_ERROR = "invalid_request_error";
  private static final String SERVER_ERROR = "server_error";

  /** What the handler shares with the server: its queues, limits and clock. */
  record Limits(
      Semaphore admission,
      Semaphore uploads,
      int maxUploadBytes,
      Duration maxAudio,
      Duration uploadTimeout,
      Optional<BearerKey> key,
      ScheduledExecutorService timers) {}

  private final InferenceScheduler inference;
  private final Limits limits;
  private final BooleanSupplier closing;
  private final Replies replies;

  TranscriptionHandler(
      InferenceScheduler inference, Limits limits, BooleanSupplier closing, Replies replies) {
    this.inference = inference;
    this.limits = limits;
    this.closing = closing;
    this.replies = replies;
  }

  /** A request refused with its status: the caller's mistake or the server's state. */
  private static final class Refusal extends Exception {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String type;

    Refusal(int status, String type, String message) {
      super(message);
      this.status = status;
      this.type = type;
    }

    Refusal(int status, String message) {
      this(status, CLIENT_ERROR, message);
    }
  }

  /** An upload read whole, with the boundary of its form. */
  private record Upload(byte[] body, String boundary) {}

  /** One step of a request, which may refuse it. */
  private interface Step<T> {
    T run() throws IOException, Refusal;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!exchange.getRequestMethod().equals("POST")) {
        exchange.getResponseHeaders().set("Allow", "POST");
        replies.error(exchange, 405, CLIENT_ERROR, "use POST");
        return;
      }
      if (readingBody(exchange, () -> authorize(exchange)).isEmpty()) {
        return;
      }
      if (!limits.uploads().tryAcquire()) {
        readingBody(
            exchange,
            () -> {
              throw refuseUnread(exchange, tooBusy("too many uploads in progress"));
            });
        return;
      }
      try {
        Optional<Upload> upload = readingBody(exchange, () -> receive(exchange));
        if (upload.isPresent()) {
          try {
            transcribe(exchange, upload.get());
          } catch (Refusal r) {
            replies.error(exchange, r.status, r.type, r.getMessage());
          }
        }
      } finally {
        limits.uploads().release();
      }
    }
  }

  /**
   * Runs a step that reads the request body, within the upload deadline, and sends its refusal if
   * it has one. Past the deadline the connection is closed and nothing is sent.
   *
   * @return the step's value; empty when it was refused or timed out (nothing more to do)
   */
  private <T> Optional<T> readingBody(HttpExchange exchange, Step<T> step) throws IOException {
    UploadDeadline deadline = new UploadDeadline(limits.timers(), limits.uploadTimeout());
    try {
      T value = step.run();
      return Optional.ofNullable(value);
    } catch (Refusal r) {
      deadline.end();
      replies.error(exchange, r.status, r.type, r.getMessage());
      return Optional.empty();
    } catch (IOException e) {
      if (deadline.end()) {
        log.info(
            "upload from {} not received within {} s: connection closed",
            exchange.getRemoteAddress(),
            limits.uploadTimeout().toSeconds());
        return Optional.empty();
      }
      throw e;
    } finally {
      deadline.end();
    }
  }

  /**
   * Refuses a request the server will not take whatever its body: while shutting down, or without
   * the key. Checked before it may hold an upload slot.
   */
  private Boolean authorize(HttpExchange exchange) throws IOException, Refusal {
    if (closing.getAsBoolean()) {
      throw refuseUnread(exchange, new Refusal(503, SERVER_ERROR, "server is shutting down"));
    }
    if (limits.key().isPresent()
        && !limits.key().get().admits(exchange.getRequestHeaders().getFirst("Authorization"))) {
      exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
      throw refuseUnread(
          exchange, new Refusal(401, "missing or wrong API key (Authorization: Bearer <key>)"));
    }
    return Boolean.TRUE;
  }

  /** The whole upload, or a refusal. */
  private Upload receive(HttpExchange exchange) throws IOException, Refusal {
    Optional<String> boundary =
        MultipartForm.boundary(exchange.getRequestHeaders().getFirst("Content-Type"));
    if (boundary.isEmpty()) {
      throw refuseUnread(
          exchange, new Refusal(415, "expected a multipart/form-data body with a boundary"));
    }
    return new Upload(readUpload(exchange), boundary.get());
  }

  /** Reads (the start of) a body refused before its content mattered; see discardUpload. */
  private static Refusal refuseUnread(HttpExchange exchange, Refusal refusal) throws IOException {
    if (refusal.status == 429 || refusal.status == 503) {
      exchange.getResponseHeaders().set("Retry-After", "1");
    }
    discardUpload(exchange, SWALLOW_BYTES);
    return refusal;
  }

  private static Refusal tooBusy(String what) {
    return new Refusal(429, SERVER_ERROR, what + "; retry later");
  }

  private void transcribe(HttpExchange exchange, Upload upload) throws IOException, Refusal {
    MultipartForm form;
    try {
      form = MultipartForm.parse(upload.body(), upload.boundary());
    } catch (MultipartForm.MalformedException e) {
      throw new Refusal(400, "malformed multipart body: " + e.getMessage());
    }
    MultipartForm.Part file =
        form.part("file").orElseThrow(() -> new Refusal(400, "no 'file' field in the request"));
    String formatName = form.field("response_format").orElse("json");
    Replies.Format format =
        Replies.Format.parse(formatName)
            .orElseThrow(
                () ->
                    new Refusal(
                        400,
                        "response_format '"
                            + formatName
                            + "' is not served; use json, verbose_json or text"));
    AudioClip clip = decode(file);
    if (closing.getAsBoolean()) {
      throw new Refusal(503, SERVER_ERROR, "server is shutting down");
    }
    if (!limits.admission().tryAcquire()) {
      exchange.getResponseHeaders().set("Retry-After", "1");
      throw tooBusy("inference queue is full");
    }
    try {
      recognize(exchange, clip, form, format);
    } finally {
      limits.admission().release();
    }
  }

  private void recognize(
      HttpExchange exchange, AudioClip clip, MultipartForm form, Replies.Format format)
      throws IOException {
    short[] normalized =
        new AudioNormalizer(clip.sampleRate(), clip.channels()).normalize(clip.pcm());
    float[] samples = Pcm16.toFloat(normalized, 0, normalized.length);
    Optional<String> language = form.field("language");
    // OpenAI's "prompt": text before the audio (a vocabulary, a previous segment). As there, only
    // its last 224 tokens reach the model (whisper's prompt window).
    Optional<String> prompt = form.field("prompt").filter(p -> !p.isBlank());
    InferenceScheduler.Outcome outcome;
    try {
      outcome = inference.submit(samples, new Hints(language, prompt)).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      replies.error(exchange, 503, SERVER_ERROR, "interrupted");
      return;
    } catch (ExecutionException e) {
      failed(exchange, e.getCause());
      return;
    }
    replies.transcript(exchange, format, outcome.transcript(), clip.seconds());
    log.debug(
        "{} s of audio transcribed in {} s (queued {} s)",
        clip.seconds(),
        outcome.transcript().processingSeconds(),
        outcome.queueSeconds());
  }

  private AudioClip decode(MultipartForm.Part file) throws Refusal {
    AudioClip clip;
    try {
      clip = WavReader.parse(file.content(), "file");
    } catch (WavFormatException e) {
      throw new Refusal(400, "file is not a 16-bit PCM WAV: " + e.getMessage());
    }
    if (clip.sampleRate() < MIN_RATE || clip.sampleRate() > MAX_RATE) {
      throw new Refusal(
          400,
          "sample rate "
              + clip.sampleRate()
              + " Hz is outside "
              + MIN_RATE
              + "-"
              + MAX_RATE
              + " Hz");
    }
    if (clip.channels() < 1 || clip.channels() > 2) {
      throw new Refusal(400, clip.channels() + " channels: send mono or stereo");
    }
    // Checked before anything is resampled: 25 MB of 8 kHz audio is 26 minutes, ~150 MB of
    // arrays once resampled to 16 kHz floats.
    double maxSeconds = limits.maxAudio().toMillis() / 1000.0;
    if (clip.seconds() > maxSeconds) {
      throw new Refusal(
          400,
          String.format(
              Locale.ROOT,
              "audio is %.1f s long; this server takes at most %.0f s per request",
              clip.seconds(),
              maxSeconds));
    }
    return clip;
  }

  private void failed(HttpExchange exchange, Throwable cause) throws IOException {
    if (cause instanceof RecognitionException re && re.kind() == RecognitionException.Kind.BUSY) {
      exchange.getResponseHeaders().set("Retry-After", "1");
      replies.error(exchange, 429, SERVER_ERROR, re.getMessage());
      return;
    }
    // The detail is for the operator; the caller gets the same words for every failure.
    log.warn("transcription failed: {}", cause.toString());
    replies.error(exchange, 500, SERVER_ERROR, "transcription failed");
  }

  /** The upload, or a 413 once it passes the limit (announced or counted). */
  private byte[] readUpload(HttpExchange exchange) throws IOException, Refusal {
    String declared = exchange.getRequestHeaders().getFirst("Content-Length");
    if (declared != null) {
      long length;
      try {
        length = Long.parseLong(declared.strip());
      } catch (NumberFormatException e) {
        throw new Refusal(400, "bad Content-Length");
      }
      if (length > limits.maxUploadBytes()) {
        throw refuseUnread(exchange, tooLarge());
      }
    }
    try (InputStream in = exchange.getRequestBody()) {
      byte[] body = in.readNBytes(limits.maxUploadBytes() + 1);
      if (body.length > limits.maxUploadBytes()) {
        throw refuseUnread(exchange, tooLarge());
      }
      return body;
    }
  }

  private Refusal tooLarge() {
    return new Refusal(413, "upload larger than " + limits.maxUploadBytes() + " bytes");
  }

  /**
   * Reads and drops (the rest of) an upload we refuse, so the client reads our answer instead of a
   * reset connection: a server that closes while the client still sends makes the client's TCP
   * stack discard the answer. Bounded: past {@code limit} bytes the connection is closed instead.
   */
  private static void discardUpload(HttpExchange exchange, long limit) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      byte[] buffer = new byte[64 * 1024];
      long left = limit;
      int read;
      while (left > 0 && (read = in.read(buffer, 0, (int) Math.min(buffer.length, left))) > 0) {
        left -= read;
      }
      if (left <= 0) {
        exchange.getResponseHeaders().set("Connection", "close");
      }
    }
  }
}
