package ai.voice.stt.recognizer.http;

import static ai.voice.stt.recognizer.http.OpenAiApiContractTest.recognizer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.recognizer.Hints;
import ai.voice.stt.recognizer.RecognitionException;
import ai.voice.stt.recognizer.RecognizerCall;
import ai.voice.stt.support.Await;
import ai.voice.stt.support.FakeWhisperServer;
import ai.voice.stt.support.FakeWhisperServer.Response;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An aborted call to a Whisper server cancels the request in flight (decisions/0031): the call ends
 * with {@code ABORTED} at once instead of waiting for the server's answer, and is not retried; the
 * server's CPU is not ours, so nothing is reported as spent.
 */
class HttpAbortTest {

  @Test
  void anAbortCancelsTheRequestInFlightWithoutARetry() throws Exception {
    try (FakeWhisperServer server =
            FakeWhisperServer.answering(
                Response.json(200, "{\"text\":\" late\"}").after(Duration.ofSeconds(20)));
        HttpWhisperRecognizer recognizer = recognizer(server, Map.of())) {
      RecognizerCall call = new RecognizerCall();
      CompletableFuture<Object> outcome =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return recognizer.transcribe(new float[16_000], Hints.NONE, false, call);
                } catch (RecognitionException e) {
                  return e;
                }
              });
      Await.until(() -> server.requestCount() == 1, Duration.ofSeconds(10), "the request is sent");
      call.abort();
      // Well before the server's answer (20 s): the wait ended with the abort.
      Object ended = outcome.get(10, TimeUnit.SECONDS);
      RecognitionException e = assertInstanceOf(RecognitionException.class, ended);
      assertEquals(RecognitionException.Kind.ABORTED, e.kind());
      assertEquals(1, server.requestCount(), "not retried");
      assertFalse(call.cpuMeasured());
      assertTrue(call.aborted());
    }
  }
}
