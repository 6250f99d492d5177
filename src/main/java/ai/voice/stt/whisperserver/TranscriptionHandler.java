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
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/audio/transcriptions} (and the same form at whisper.cpp's {@code /inference}):
 * admit, read the bounded upload, parse the form, decode and resample the WAV, wait for the
 * inference queue, answer in the requested format.
 *
 * <p>Admission comes first: a request that finds every worker and queue slot taken gets 429 before
 * its upload is buffered, so a burst costs no memory; a server that is shutting down answers 503.
 */
final class TranscriptionHandler implements HttpHandler {
  private static final Logger log = LoggerFactory.getLogger(TranscriptionHandler.class);
  // Common telephone to studio rates; AudioNormalizer resamples any of them to 16 kHz.
  private static final int MIN_RATE = 8_000;
  private static final int MAX_RATE = 48_000;

  private final InferenceScheduler inference;
  private final Semaphore admission;
  private final int maxUploadBytes;
  // How much of an upload refused as too large is still read to deliver the 413 (as Tomcat's
  // maxSwallowSize): an upload a little over the limit gets its answer; a huge one is cut off.
  private static final long SWALLOW_BYTES = 4L << 20;
  private final BooleanSupplier closing;
  private final Replies replies;

  TranscriptionHandler(
      InferenceScheduler inference,
      Semaphore admission,
      int maxUploadBytes,
      BooleanSupplier closing,
      Replies replies) {
    this.inference = inference;
    this.admission = admission;
    this.maxUploadBytes = maxUploadBytes;
    this.closing = closing;
    this.replies = replies;
  }

  /** A request the caller must fix (4xx), with its status. */
  private static final class Refusal extends Exception {
    private static final long serialVersionUID = 1L;
    private final int status;

    Refusal(int status, String message) {
      super(message);
      this.status = status;
    }
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!exchange.getRequestMethod().equals("POST")) {
        exchange.getResponseHeaders().set("Allow", "POST");
        replies.error(exchange, 405, "invalid_request_error", "use POST");
        return;
      }
      if (closing.getAsBoolean()) {
        discardUpload(exchange, maxUploadBytes);
        replies.error(exchange, 503, "server_error", "server is shutting down");
        return;
      }
      if (!admission.tryAcquire()) {
        discardUpload(exchange, maxUploadBytes);
        exchange.getResponseHeaders().set("Retry-After", "1");
        replies.error(exchange, 429, "server_error", "inference queue is full; retry later");
        return;
      }
      try {
        transcribe(exchange);
      } catch (Refusal r) {
        if (r.status == 413) {
          // The client may still be sending: its answer reaches it only if the rest is read.
          discardUpload(exchange, SWALLOW_BYTES);
        }
        replies.error(exchange, r.status, "invalid_request_error", r.getMessage());
      } finally {
        admission.release();
      }
    }
  }

  private void transcribe(HttpExchange exchange) throws IOException, Refusal {
    String boundary =
        MultipartForm.boundary(exchange.getRequestHeaders().getFirst("Content-Type"))
            .orElseThrow(
                () -> new Refusal(415, "expected a multipart/form-data body with a boundary"));
    MultipartForm form;
    try {
      form = MultipartForm.parse(readUpload(exchange), boundary);
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
      replies.error(exchange, 503, "server_error", "interrupted");
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
    return clip;
  }

  private void failed(HttpExchange exchange, Throwable cause) throws IOException {
    if (cause instanceof RecognitionException re && re.kind() == RecognitionException.Kind.BUSY) {
      exchange.getResponseHeaders().set("Retry-After", "1");
      replies.error(exchange, 429, "server_error", re.getMessage());
      return;
    }
    log.warn("transcription failed: {}", cause.toString());
    replies.error(exchange, 500, "server_error", "transcription failed: " + cause.getMessage());
  }

  /** The upload, or a 413 once it passes the limit (announced or counted). */
  private byte[] readUpload(HttpExchange exchange) throws IOException, Refusal {
    String declared = exchange.getRequestHeaders().getFirst("Content-Length");
    if (declared != null) {
      try {
        if (Long.parseLong(declared.strip()) > maxUploadBytes) {
          throw tooLarge();
        }
      } catch (NumberFormatException e) {
        throw new Refusal(400, "bad Content-Length");
      }
    }
    try (InputStream in = exchange.getRequestBody()) {
      byte[] body = in.readNBytes(maxUploadBytes + 1);
      if (body.length > maxUploadBytes) {
        throw tooLarge();
      }
      return body;
    }
  }

  private Refusal tooLarge() {
    return new Refusal(413, "upload larger than " + maxUploadBytes + " bytes");
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
