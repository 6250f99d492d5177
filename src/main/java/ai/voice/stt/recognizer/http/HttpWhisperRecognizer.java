package ai.voice.stt.recognizer.http;

import ai.voice.stt.audio.AudioNormalizer;
import ai.voice.stt.audio.WavWriter;
import ai.voice.stt.config.SttConfig.HttpWhisper;
import ai.voice.stt.recognizer.Hints;
import ai.voice.stt.recognizer.RecognitionException;
import ai.voice.stt.recognizer.Recognizer;
import ai.voice.stt.recognizer.RecognizerCall;
import ai.voice.stt.recognizer.Transcript;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Transcribes through a Whisper server at WHISPER_URL: OpenAI-style {@code
 * /v1/audio/transcriptions} or whisper.cpp's {@code /inference}.
 *
 * <p>One pooled HTTP/1.1 client for the process. Each call uploads the utterance as a 16 kHz WAV;
 * connect errors, 408, 429 and 5xx are retried with backoff within the configured budget (the
 * accepted audio is kept and sent again, not dropped); a circuit breaker shared by all calls turns
 * a dead server into immediate {@code recognizer_unavailable} errors. The API key goes only into
 * the Authorization header, never into logs or messages.
 */
public final class HttpWhisperRecognizer implements Recognizer {
  private static final Logger log = LoggerFactory.getLogger(HttpWhisperRecognizer.class);
  private static final int MAX_ANSWER_BYTES = 4 << 20;
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
  // The request timeout covers the wait for the answer's headers; this covers a stalled body.
  private static final Duration BODY_GRACE = Duration.ofSeconds(1);

  private final HttpWhisper settings;
  private final ApiShape api;
  private final URI endpoint;
  private final String shownEndpoint;
  private final HttpClient client;
  private final CircuitBreaker breaker;
  private final Backoff backoff;

  public HttpWhisperRecognizer(HttpWhisper settings) {
    this.settings = settings;
    this.api = ApiShape.of(settings);
    this.endpoint = api.endpoint(settings.url());
    this.shownEndpoint = withoutUserInfo(endpoint);
    this.client =
        HttpClient.newBuilder()
            // HTTP/1.1 keep-alive pooling; no h2c upgrade, which many servers mishandle.
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(settings.connectTimeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    this.breaker =
        new CircuitBreaker(
            settings.breakerFailures(), settings.breakerOpen().toNanos(), System::nanoTime);
    this.backoff =
        new Backoff(
            settings.backoff(), MAX_BACKOFF, () -> ThreadLocalRandom.current().nextDouble());
  }

  @Override
  public Transcript transcribe(float[] samples, Optional<String> language)
      throws RecognitionException {
    return transcribe(samples, Hints.language(language));
  }

  /** The prompt goes as the request's {@code prompt} field. */
  @Override
  public Transcript transcribe(float[] samples, Hints hints) throws RecognitionException {
    return transcribe(samples, hints, false, new RecognizerCall());
  }

  /**
   * An abort cancels the request in flight (the future of {@code HttpClient.sendAsync}: the JDK
   * closes its exchange, so the server sees the connection go) and skips any retry. The server's
   * CPU is not this machine's: nothing is reported as spent or saved.
   */
  @Override
  public Transcript transcribe(
      float[] samples, Hints hints, boolean background, RecognizerCall call)
      throws RecognitionException {
    Optional<String> language = hints.language();
    long started = System.nanoTime();
    double audioSeconds = samples.length / (double) AudioNormalizer.TARGET_RATE;
    HttpRequest request = request(samples, hints);
    int attempts = 1 + settings.retries();
    for (int attempt = 1; ; attempt++) {
      if (call.aborted()) {
        throw aborted();
      }
      Optional<String> refused = breaker.tryAcquire();
      if (refused.isPresent()) {
        throw unavailable(refused.get());
      }
      switch (exchange(request, audioSeconds, call)) {
        case Outcome.Answered answered -> {
          breaker.onSuccess();
          TranscriptionResponse.Heard heard = answered.heard();
          return new Transcript(
              heard.text(),
              heard.segments(),
              heard.language().or(() -> language),
              (System.nanoTime() - started) / 1e9);
        }
        case Outcome.Rejected rejected -> {
          breaker.onSuccess();
          throw new RecognitionException(
              RecognitionException.Kind.FAILED,
              "Whisper server " + shownEndpoint + " rejected the request: " + rejected.reason());
        }
        case Outcome.TimedOut timedOut -> {
          breaker.onFailure(timedOut.reason());
          throw unavailable(timedOut.reason());
        }
        case Outcome.Failed failed -> {
          breaker.onFailure(failed.reason());
          if (attempt >= attempts) {
            throw unavailable(
                failed.reason() + " (" + attempts + (attempts == 1 ? " attempt)" : " attempts)"));
          }
          Duration wait = backoff.before(attempt, failed.retryAfter());
          log.info(
              "Whisper server attempt {}/{} failed: {}; retrying in {} ms",
              attempt,
              attempts,
              failed.reason(),
              wait.toMillis());
          pause(wait);
        }
      }
    }
  }

  private HttpRequest request(float[] samples, Hints hints) {
    MultipartBody form =
        new MultipartBody()
            .file(
                "file",
                "audio.wav",
                "audio/wav",
                WavWriter.encode(samples, AudioNormalizer.TARGET_RATE));
    api.addFields(form, hints);
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(endpoint)
            .timeout(settings.requestTimeout())
            .header("Content-Type", form.contentType())
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(form.finish()));
    settings.apiKey().ifPresent(key -> builder.header("Authorization", "Bearer " + key.value()));
    return builder.build();
  }

  @SuppressWarnings("try") // the registration is only closed
  private Outcome exchange(HttpRequest request, double audioSeconds, RecognizerCall call)
      throws RecognitionException {
    CompletableFuture<HttpResponse<byte[]>> pending =
        client.sendAsync(request, LimitedBody.handler(MAX_ANSWER_BYTES));
    HttpResponse<byte[]> response;
    try (RecognizerCall.Registration stop = call.whileRunning(() -> pending.cancel(true))) {
      response =
          pending.get(settings.requestTimeout().plus(BODY_GRACE).toNanos(), TimeUnit.NANOSECONDS);
    } catch (CancellationException e) {
      breaker.onAbandoned();
      throw aborted();
    } catch (TimeoutException e) {
      pending.cancel(true);
      return timedOut();
    } catch (InterruptedException e) {
      pending.cancel(true);
      breaker.onAbandoned();
      Thread.currentThread().interrupt();
      throw new RecognitionException(
          RecognitionException.Kind.INTERRUPTED, "interrupted while waiting for Whisper");
    } catch (ExecutionException e) {
      return failure(e.getCause());
    }
    return answer(response, audioSeconds);
  }

  private Outcome failure(Throwable cause) {
    return switch (cause) {
      case HttpConnectTimeoutException e ->
          new Outcome.Failed(
              "no connection within " + seconds(settings.connectTimeout()), Optional.empty());
      case HttpTimeoutException e -> timedOut();
      case LimitedBody.TooLargeException e -> new Outcome.Rejected(e.getMessage());
      case ConnectException e -> new Outcome.Failed("connection refused", Optional.empty());
      case IOException e -> new Outcome.Failed("connection failed: " + e, Optional.empty());
      default -> new Outcome.Failed("request failed: " + cause, Optional.empty());
    };
  }

  private Outcome.TimedOut timedOut() {
    return new Outcome.TimedOut("no answer within " + seconds(settings.requestTimeout()));
  }

  private static Outcome answer(HttpResponse<byte[]> response, double audioSeconds) {
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      try {
        return new Outcome.Answered(TranscriptionResponse.parse(response.body(), audioSeconds));
      } catch (TranscriptionResponse.Unreadable e) {
        return new Outcome.Rejected(e.getMessage());
      }
    }
    String reason = "HTTP " + status + ": " + TranscriptionResponse.errorMessage(response.body());
    if (status == 408 || status == 429 || status >= 500) {
      return new Outcome.Failed(reason, retryAfter(response));
    }
    return new Outcome.Rejected(reason);
  }

  /** Retry-After in seconds (the form servers use for 429/503); HTTP dates are ignored. */
  private static Optional<Duration> retryAfter(HttpResponse<?> response) {
    return response
        .headers()
        .firstValue("Retry-After")
        .flatMap(
            value -> {
              try {
                return Optional.of(Duration.ofSeconds(Long.parseLong(value.strip())));
              } catch (NumberFormatException e) {
                return Optional.empty();
              }
            });
  }

  private static RecognitionException aborted() {
    return new RecognitionException(
        RecognitionException.Kind.ABORTED, "aborted: the answer is no longer needed");
  }

  private RecognitionException unavailable(String reason) {
    return new RecognitionException(
        RecognitionException.Kind.UNAVAILABLE,
        "Whisper server " + shownEndpoint + " unavailable: " + reason);
  }

  private static void pause(Duration wait) throws RecognitionException {
    try {
      Thread.sleep(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RecognitionException(
          RecognitionException.Kind.INTERRUPTED, "interrupted while waiting to retry");
    }
  }

  private static String seconds(Duration duration) {
    return String.format("%.1f s", duration.toMillis() / 1000.0);
  }

  private static String withoutUserInfo(URI uri) {
    try {
      return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), null, null)
          .toString();
    } catch (URISyntaxException e) {
      return uri.getScheme() + "://" + uri.getHost();
    }
  }

  @Override
  public int maxConcurrency() {
    return settings.concurrency();
  }

  @Override
  public String describe() {
    return String.format(
        "HTTP Whisper %s (%s; %d concurrent, timeout %s, %d retries from %d ms, circuit opens"
            + " after %d failures for %s%s)",
        shownEndpoint,
        api.describe(),
        settings.concurrency(),
        seconds(settings.requestTimeout()),
        settings.retries(),
        settings.backoff().toMillis(),
        settings.breakerFailures(),
        seconds(settings.breakerOpen()),
        settings.apiKey().isPresent() ? "; API key set" : "");
  }

  @Override
  public void close() {
    client.shutdownNow();
  }
}
