package ai.voice.stt.recognizer.http;

import static ai.voice.stt.recognizer.http.OpenAiApiContractTest.recognizer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.config.ConfigLoader;
import ai.voice.stt.recognizer.RecognitionException;
import ai.voice.stt.support.FakeWhisperServer;
import ai.voice.stt.support.FakeWhisperServer.Response;
import ai.voice.stt.support.WhisperServerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * What the recognizer does with each kind of failure, against a real HTTP server scripted per
 * request: which are retried and how often, which are not, and how the circuit behaves.
 */
class HttpWhisperRecognizerRetryTest {
  private static final String OK = "{\"text\":\" Ten of clubs.\"}";
  private static final float[] ONE_SECOND = new float[16_000];

  @Test
  void overloadedAndFailingAnswersAreRetriedAndTheAudioIsTranscribedOnceTheServerAnswers()
      throws Exception {
    try (FakeWhisperServer server =
            new FakeWhisperServer(
                (request, n) ->
                    switch (n) {
                      case 1 -> Response.json(503, "{\"error\":\"loading model\"}");
                      case 2 -> Response.json(429, "{\"error\":{\"message\":\"busy\"}}");
                      default -> Response.json(200, OK);
                    });
        HttpWhisperRecognizer recognizer = recognizer(server, Map.of())) {
      assertEquals("Ten of clubs.", recognizer.transcribe(ONE_SECOND, Optional.empty()).text());
      assertEquals(3, server.requestCount());
    }
  }

  @Test
  void retryAfterOfAnOverloadedServerIsWaitedFor() throws Exception {
    try (FakeWhisperServer server =
            new FakeWhisperServer(
                (request, n) ->
                    n == 1
                        ? Response.json(429, "{}").withHeader("Retry-After", "1")
                        : Response.json(200, OK));
        HttpWhisperRecognizer recognizer = recognizer(server, Map.of())) {
      long started = System.nanoTime();
      recognizer.transcribe(ONE_SECOND, Optional.empty());
      assertTrue(System.nanoTime() - started >= Duration.ofMillis(950).toNanos());
      assertEquals(2, server.requestCount());
    }
  }

  @Test
  void aServerThatIsNotListeningIsRetriedThenReportedUnavailable() {
    int port = WhisperServerProcess.freePort();
    try (HttpWhisperRecognizer recognizer =
        new HttpWhisperRecognizer(
            ConfigLoader.load(
                    Map.of(
                        "WHISPER_URL", "http://127.0.0.1:" + port,
                        "STT_WHISPER_HTTP_RETRIES", "2",
                        "STT_WHISPER_HTTP_BACKOFF_MS", "10"),
                    2)
                .recognition()
                .http())) {
      RecognitionException e =
          assertThrows(
              RecognitionException.class,
              () -> recognizer.transcribe(ONE_SECOND, Optional.empty()));
      assertEquals(RecognitionException.Kind.UNAVAILABLE, e.kind());
      assertTrue(e.getMessage().contains("connection refused (3 attempts)"), e.getMessage());
    }
  }

  @Test
  void aRequestTheServerRejectsIsNotRetried() throws Exception {
    try (FakeWhisperServer server =
            FakeWhisperServer.answering(
                Response.json(
                    400, "{\"detail\":\"Currently only support response_format json\"}"));
        HttpWhisperRecognizer recognizer = recognizer(server, Map.of())) {
      RecognitionException e =
          assertThrows(
              RecognitionException.class,
              () -> recognizer.transcribe(ONE_SECOND, Optional.empty()));
      assertEquals(RecognitionException.Kind.FAILED, e.kind());
      assertTrue(e.getMessage().contains("only support response_format json"), e.getMessage());
      assertEquals(1, server.requestCount());
    }
  }

  @Test
  void anAnswerPastTheTimeoutIsReportedUnavailableAndNotSentAgain() throws Exception {
    try (FakeWhisperServer server =
            FakeWhisperServer.answering(Response.json(200, OK).after(Duration.ofSeconds(3)));
        HttpWhisperRecognizer recognizer =
            recognizer(server, Map.of("STT_WHISPER_HTTP_TIMEOUT", "0.3"))) {
      RecognitionException e =
          assertThrows(
              RecognitionException.class,
              () -> recognizer.transcribe(ONE_SECOND, Optional.empty()));
      assertEquals(RecognitionException.Kind.UNAVAILABLE, e.kind());
      assertTrue(e.getMessage().contains("no answer within 0.3 s"), e.getMessage());
      assertEquals(1, server.requestCount());
    }
  }

  @Test
  void theCircuitOpensFailsFastWithoutRequestsAndClosesAfterASuccessfulTrial() throws Exception {
    AtomicBoolean healthy = new AtomicBoolean();
    try (FakeWhisperServer server =
            new FakeWhisperServer(
                (request, n) ->
                    healthy.get() ? Response.json(200, OK) : Response.json(502, "bad gateway"));
        HttpWhisperRecognizer recognizer =
            recognizer(
                server,
                Map.of(
                    "STT_WHISPER_HTTP_RETRIES", "1",
                    "STT_WHISPER_HTTP_BREAKER_FAILURES", "2",
                    "STT_WHISPER_HTTP_BREAKER_OPEN", "0.3"))) {
      RecognitionException first =
          assertThrows(
              RecognitionException.class,
              () -> recognizer.transcribe(ONE_SECOND, Optional.empty()));
      assertTrue(first.getMessage().contains("HTTP 502: \"bad gateway\""), first.getMessage());
      assertEquals(2, server.requestCount());
      RecognitionException fast =
          assertThrows(
              RecognitionException.class,
              () -> recognizer.transcribe(ONE_SECOND, Optional.empty()));
      assertEquals(RecognitionException.Kind.UNAVAILABLE, fast.kind());
      assertTrue(fast.getMessage().contains("circuit open"), fast.getMessage());
      assertEquals(2, server.requestCount(), "refused without a request");

      healthy.set(true);
      // The open period is wall-clock time; wait it out (0.3 s) through the recognizer itself.
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      String text = null;
      while (text == null && System.nanoTime() < deadline) {
        try {
          text = recognizer.transcribe(ONE_SECOND, Optional.empty()).text();
        } catch (RecognitionException stillOpen) {
          assertTrue(stillOpen.getMessage().contains("circuit open"), stillOpen.getMessage());
          Thread.sleep(50);
        }
      }
      assertEquals("Ten of clubs.", text);
      assertEquals(3, server.requestCount(), "one trial, then closed");
    }
  }

  @Test
  void callsRunConcurrentlyOverPooledConnections() throws Exception {
    try (FakeWhisperServer server =
            FakeWhisperServer.answering(Response.json(200, OK).after(Duration.ofSeconds(1)));
        HttpWhisperRecognizer recognizer = recognizer(server, Map.of());
        ExecutorService callers = Executors.newFixedThreadPool(4)) {
      long started = System.nanoTime();
      List<Future<String>> calls = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        calls.add(callers.submit(() -> recognizer.transcribe(ONE_SECOND, Optional.empty()).text()));
      }
      for (Future<String> call : calls) {
        assertEquals("Ten of clubs.", call.get());
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      System.out.printf("4 concurrent 1 s calls took %.2f s%n", seconds);
      assertTrue(seconds < 3.5, "4 calls of 1 s each overlapped: " + seconds + " s");
    }
  }

  @Test
  void theApiKeyTravelsOnlyInTheAuthorizationHeader() throws Exception {
    try (FakeWhisperServer server = FakeWhisperServer.answering(Response.json(500, "{}"));
        HttpWhisperRecognizer recognizer =
            recognizer(
                server,
                Map.of("STT_WHISPER_API_KEY", "sk-secret-9", "STT_WHISPER_HTTP_RETRIES", "0"))) {
      RecognitionException e =
          assertThrows(
              RecognitionException.class,
              () -> recognizer.transcribe(ONE_SECOND, Optional.empty()));
      assertFalse(e.getMessage().contains("sk-secret-9"));
      assertFalse(recognizer.describe().contains("sk-secret-9"));
      assertTrue(recognizer.describe().contains("API key set"));
      assertEquals("Bearer sk-secret-9", server.requests().getFirst().header("Authorization"));
    }
  }
}
