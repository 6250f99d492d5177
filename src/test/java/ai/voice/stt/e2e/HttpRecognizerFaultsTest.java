package ai.voice.stt.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.audio.AudioClip;
import ai.voice.stt.client.Received;
import ai.voice.stt.client.StreamClient;
import ai.voice.stt.client.StreamOptions;
import ai.voice.stt.eval.WordErrorRate;
import ai.voice.stt.support.Clips;
import ai.voice.stt.support.FakeWhisperServer;
import ai.voice.stt.support.LogCapture;
import ai.voice.stt.support.ServiceUnderTest;
import ai.voice.stt.support.TestData;
import ai.voice.stt.support.WhisperServerProcess;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The service with {@code STT_RECOGNIZER=http} when the Whisper server misbehaves: not yet up,
 * killed mid-session and restarted (a real {@code stt whisper-server} process), answering 500,
 * answering past the timeout (a real HTTP server in the test that does exactly that).
 *
 * <p>What must hold every time: every session ends with its end_of_stream result, and every
 * utterance it sent is accounted for, by a transcript or by an {@code error} that names the stretch
 * of audio that was not transcribed. Nothing accepted disappears silently.
 */
class HttpRecognizerFaultsTest {
  private static final List<String> SERVER_OPTIONS =
      List.of("--threads", "1", "--workers", "1", "--audio-ctx", "auto");
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final Pattern LOST_AUDIO =
      Pattern.compile("audio (\\d+\\.\\d+)-(\\d+\\.\\d+) s was not transcribed");
  private static final StreamOptions FAST = StreamOptions.realTime().withSpeed(4);

  @Test
  void serviceStartedBeforeItsWhisperServerReportsTheAudioItCouldNotTranscribeThenRecovers()
      throws Exception {
    int port = WhisperServerProcess.freePort();
    try (LogCapture log = new LogCapture();
        ServiceUnderTest stt =
            service(
                "http://127.0.0.1:" + port,
                Map.of("STT_WHISPER_HTTP_RETRIES", "2", "STT_WHISPER_HTTP_BACKOFF_MS", "50"));
        WhisperServerProcess whisper = new WhisperServerProcess(port, SERVER_OPTIONS)) {
      List<Received> early = streamAndCollect(stt, "before-up", utterance("goforward"));
      Received error = onlyError(early);
      assertEquals("recognizer_unavailable", error.code());
      assertTrue(LOST_AUDIO.matcher(error.string("message")).find(), error.toString());
      assertClientMessageIsGeneric(error, "the recognizer is unavailable", "127.0.0.1:" + port);
      // The detail is the operator's: in the service's log.
      assertTrue(log.contains("connection refused (3 attempts)"), String.join("\n", log.lines()));
      assertTrue(early.getLast().endOfStream());

      whisper.start();
      List<Received> late = streamAndCollect(stt, "after-up", utterance("goforward"));
      assertNoErrors(late);
      assertHeard("goforward", StreamClient.joinTranscripts(late));
    }
  }

  @Test
  void serverKilledMidSessionLosesOnlyTheNamedUtteranceAndLaterOnesAreTranscribedAfterRestart()
      throws Exception {
    try (WhisperServerProcess whisper = WhisperServerProcess.started(SERVER_OPTIONS);
        ServiceUnderTest stt =
            service(
                whisper.url(),
                Map.of(
                    "STT_WHISPER_HTTP_RETRIES", "2",
                    "STT_WHISPER_HTTP_BACKOFF_MS", "50",
                    "STT_WHISPER_HTTP_BREAKER_FAILURES", "3",
                    "STT_WHISPER_HTTP_BREAKER_OPEN", "0.5"))) {
      AudioClip first = utterance("austen_0930");
      AudioClip second = utterance("goforward");
      AudioClip third = utterance("cards_001");
      BlockingQueue<Received> arrivals = new LinkedBlockingQueue<>();
      try (StreamClient.Session session = stt.client().listen("crash", arrivals::add)) {
        stt.client().send("crash", Map.of("type", "start", "sample_rate", 16_000));
        stt.client().sendChunks("crash", first, FAST, session);
        Received heard = next(arrivals, r -> !r.transcript().isBlank());
        assertHeard("austen_0930", heard.transcript());

        whisper.kill();
        // Another session streams through the outage; it must end like any other.
        CompletableFuture<List<Received>> bystander =
            streamAsync(stt, "bystander", utterance("cards_002"));
        stt.client().sendChunks("crash", second, FAST, session);
        Received lost = next(arrivals, r -> r.type().equals("error"));
        assertEquals("recognizer_unavailable", lost.code());
        Matcher range = LOST_AUDIO.matcher(lost.string("message"));
        assertTrue(range.find(), lost.toString());
        double secondStart = first.seconds();
        double secondEnd = first.seconds() + second.seconds();
        assertTrue(
            Double.parseDouble(range.group(1)) >= secondStart - 0.5
                && Double.parseDouble(range.group(2)) <= secondEnd + 1e-6,
            "the error names the second utterance's audio: " + lost);
        List<Received> bystanderOut = bystander.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertTrue(bystanderOut.getLast().endOfStream(), bystanderOut.toString());
        assertTrue(
            bystanderOut.stream()
                .allMatch(r -> r.isTranscription() || "recognizer_unavailable".equals(r.code())),
            bystanderOut.toString());

        whisper.start();
        stt.client().sendChunks("crash", third, FAST, session);
        assertHeard("cards_001", next(arrivals, r -> !r.transcript().isBlank()).transcript());
        stt.client().send("crash", Map.of("type", "end"));
        List<Received> all = session.awaitEnd(TIMEOUT);
        System.out.println("crash session: " + all);

        List<Received> results = all.stream().filter(Received::isTranscription).toList();
        for (int i = 0; i < results.size(); i++) {
          assertEquals(i, results.get(i).sequence(), "no gap in the sequence: " + all);
        }
        assertEquals(2, results.stream().filter(r -> !r.transcript().isBlank()).count());
        assertEquals(1, all.stream().filter(r -> r.type().equals("error")).count(), "one loss");
        assertTrue(all.getLast().endOfStream());
      }
    }
  }

  @Test
  void serverBackWithinTheRetryBudgetLosesNothing() throws Exception {
    try (WhisperServerProcess whisper = WhisperServerProcess.started(SERVER_OPTIONS);
        ServiceUnderTest stt =
            service(
                whisper.url(),
                Map.of(
                    "STT_WHISPER_HTTP_RETRIES", "12",
                    "STT_WHISPER_HTTP_BACKOFF_MS", "200",
                    "STT_WHISPER_HTTP_BREAKER_FAILURES", "100"))) {
      // A first utterance leaves a pooled keep-alive connection that the kill breaks.
      assertNoErrors(streamAndCollect(stt, "warm-up", utterance("cards_003")));
      whisper.kill();
      try (StreamClient.Session session = stt.client().listen("retried", r -> {})) {
        stt.client().send("retried", Map.of("type", "start", "sample_rate", 16_000));
        // The utterance ends, and its first attempts fail, while the server is down.
        stt.client().sendChunks("retried", utterance("goforward"), FAST, session);
        whisper.start();
        stt.client().send("retried", Map.of("type", "end"));
        List<Received> out = session.awaitEnd(TIMEOUT);
        System.out.println("retried session: " + out);
        assertNoErrors(out);
        assertHeard("goforward", StreamClient.joinTranscripts(out));
      }
    }
  }

  @Test
  void serverAnswering500IsRetriedThenReportedAndTheOpenCircuitFailsLaterSessionsFast()
      throws Exception {
    String body =
        "{\"error\":{\"message\":\"CUDA error: out of memory\",\"type\":\"server_error\"}}";
    try (FakeWhisperServer broken =
            FakeWhisperServer.answering(FakeWhisperServer.Response.json(500, body));
        ServiceUnderTest stt =
            service(
                broken.url(),
                Map.of(
                    "STT_WHISPER_HTTP_RETRIES", "2",
                    "STT_WHISPER_HTTP_BACKOFF_MS", "20",
                    "STT_WHISPER_HTTP_BREAKER_FAILURES", "3",
                    "STT_WHISPER_HTTP_BREAKER_OPEN", "60"))) {
      Received first;
      try (LogCapture log = new LogCapture()) {
        first = onlyError(streamAndCollect(stt, "first", utterance("goforward")));
        assertTrue(
            log.contains("HTTP 500: CUDA error: out of memory (3 attempts)"),
            String.join("\n", log.lines()));
      }
      assertEquals("recognizer_unavailable", first.code());
      // Neither the internal address nor the server's own words reach the client.
      assertClientMessageIsGeneric(first, "the recognizer is unavailable", broken.url());
      assertFalse(first.string("message").contains("CUDA"), first.toString());
      assertEquals(3, broken.requestCount(), "one attempt and two retries");

      CompletableFuture<List<Received>> second = streamAsync(stt, "second", utterance("cards_001"));
      CompletableFuture<List<Received>> third = streamAsync(stt, "third", utterance("cards_002"));
      for (CompletableFuture<List<Received>> later : List.of(second, third)) {
        List<Received> out = later.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        Received error = onlyError(out);
        assertEquals("recognizer_unavailable", error.code());
        assertClientMessageIsGeneric(error, "the recognizer is unavailable", broken.url());
        assertTrue(out.getLast().endOfStream());
      }
      assertEquals(3, broken.requestCount(), "the open circuit sent no further request");
    }
  }

  @Test
  void serverAnsweringPastTheTimeoutGivesEachSessionATimeoutErrorWithoutRetrying()
      throws Exception {
    FakeWhisperServer.Response late =
        FakeWhisperServer.Response.json(200, "{\"text\":\"too late\"}")
            .after(Duration.ofSeconds(5));
    try (FakeWhisperServer slow = FakeWhisperServer.answering(late);
        ServiceUnderTest stt =
            service(
                slow.url(),
                Map.of("STT_WHISPER_HTTP_TIMEOUT", "0.5", "STT_WHISPER_HTTP_RETRIES", "3"))) {
      CompletableFuture<List<Received>> one = streamAsync(stt, "slow-1", utterance("goforward"));
      CompletableFuture<List<Received>> two = streamAsync(stt, "slow-2", utterance("cards_001"));
      for (CompletableFuture<List<Received>> session : List.of(one, two)) {
        List<Received> out = session.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        Received error = onlyError(out);
        assertEquals("recognizer_unavailable", error.code());
        assertClientMessageIsGeneric(error, "the recognizer is unavailable", slow.url());
        assertTrue(out.getLast().endOfStream());
        assertTrue(out.stream().noneMatch(r -> r.transcript().contains("too late")));
      }
      assertEquals(2, slow.requestCount(), "a timed-out request is not sent again");
    }
  }

  private static ServiceUnderTest service(String whisperUrl, Map<String, String> settings)
      throws Exception {
    Map<String, String> env = new HashMap<>(settings);
    // These tests count the requests each utterance makes (retries, the circuit breaker): a
    // speculative request at a pause inside a recording would be one more, for other audio.
    env.put("STT_SPECULATIVE", "false");
    env.put("STT_RECOGNIZER", "http");
    env.put("WHISPER_URL", whisperUrl);
    return new ServiceUnderTest(env);
  }

  /** A recording with silence around it, so the end-pointer closes it as one utterance. */
  private static AudioClip utterance(String name) {
    return Clips.padded(TestData.recording(name).clip(), 0.3, 1.2);
  }

  /** The stable wording of the code, naming the audio, and nothing about the Whisper server. */
  private static void assertClientMessageIsGeneric(
      Received error, String reason, String whisperAddress) {
    String message = error.string("message");
    assertTrue(LOST_AUDIO.matcher(message).find(), error.toString());
    assertTrue(message.endsWith("was not transcribed: " + reason), error.toString());
    String hostPort = whisperAddress.replaceFirst("^https?://", "").replaceFirst("/.*$", "");
    assertFalse(message.contains(hostPort), error.toString());
    assertFalse(message.contains("HTTP"), error.toString());
  }

  private static void assertHeard(String recording, String text) {
    double wer = WordErrorRate.rate(TestData.recording(recording).reference(), text);
    assertTrue(wer <= 0.35, recording + ": \"" + text + "\"");
  }

  private static void assertNoErrors(List<Received> out) {
    assertTrue(out.stream().noneMatch(r -> r.type().equals("error")), out.toString());
    assertTrue(out.getLast().endOfStream(), out.toString());
  }

  private static Received onlyError(List<Received> out) {
    List<Received> errors = out.stream().filter(r -> r.type().equals("error")).toList();
    assertEquals(1, errors.size(), out.toString());
    assertTrue(
        out.stream().filter(Received::isTranscription).allMatch(r -> r.transcript().isBlank()),
        out.toString());
    assertTrue(out.getLast().endOfStream(), out.toString());
    return errors.getFirst();
  }

  private static Received next(BlockingQueue<Received> arrivals, Predicate<Received> wanted)
      throws InterruptedException {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (true) {
      Received r = arrivals.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (r == null) {
        throw new AssertionError("nothing matching arrived within " + TIMEOUT);
      }
      if (wanted.test(r)) {
        return r;
      }
    }
  }

  private static CompletableFuture<List<Received>> streamAsync(
      ServiceUnderTest stt, String id, AudioClip clip) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return streamAndCollect(stt, id, clip);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
  }

  private static List<Received> streamAndCollect(ServiceUnderTest stt, String id, AudioClip clip)
      throws Exception {
    try (StreamClient.Session session = stt.client().listen(id, r -> {})) {
      stt.client().stream(id, clip, FAST, session);
      return session.awaitEnd(TIMEOUT);
    }
  }
}
