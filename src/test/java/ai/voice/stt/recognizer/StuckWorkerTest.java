package ai.voice.stt.recognizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.support.Await;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A recognizer whose calls hold a share of a fixed pool (as local whisper's decoder states do): a
 * call past its deadline fails, but its worker is not replaced; it keeps its place, so admission
 * sees one worker fewer, until it returns.
 */
class StuckWorkerTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  /** One worker; the first call hangs until released, later calls answer at once. */
  private static final class SharedPoolRecognizer implements Recognizer {
    final CountDownLatch released = new CountDownLatch(1);
    private boolean first = true;

    @Override
    public synchronized Transcript transcribe(float[] samples, Optional<String> language) {
      if (first) {
        first = false;
        try {
          released.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return new Transcript("words", List.of(), Optional.empty(), 0);
    }

    @Override
    public boolean independentCalls() {
      return false;
    }

    @Override
    public int maxConcurrency() {
      return 1;
    }

    @Override
    public String describe() {
      return "shared pool";
    }

    @Override
    public void close() {}
  }

  @Test
  void aStuckCallWithoutAReplacementKeepsItsPlaceUntilItReturns() throws Exception {
    SharedPoolRecognizer recognizer = new SharedPoolRecognizer();
    try (InferenceScheduler scheduler =
        new InferenceScheduler(recognizer, 4, new RecognitionDeadline(Duration.ofMillis(500), 0))) {
      CompletableFuture<InferenceScheduler.Outcome> hung =
          scheduler.submit(new float[16_000], Optional.empty());
      ExecutionException failed =
          assertThrows(
              ExecutionException.class, () -> hung.get(WAIT.toSeconds(), TimeUnit.SECONDS));
      RecognitionException timedOut =
          assertInstanceOf(RecognitionException.class, failed.getCause());
      assertEquals(RecognitionException.Kind.TIMED_OUT, timedOut.kind());
      assertTrue(timedOut.getMessage().contains("1.00 s of audio"), timedOut.getMessage());
      assertEquals(1, scheduler.stuckWorkers());
      assertFalse(scheduler.healthy(), "its one worker is stuck");
      assertFalse(scheduler.idleWorker(), "the stuck call still holds the worker's place");

      recognizer.released.countDown();
      Await.until(scheduler::healthy, WAIT, "the stuck call returned");
      assertEquals(0, scheduler.stuckWorkers());
      assertTrue(scheduler.idleWorker());
      assertEquals(
          "words",
          scheduler
              .submit(new float[16_000], Optional.empty())
              .get(WAIT.toSeconds(), TimeUnit.SECONDS)
              .transcript()
              .text());
    }
  }
}
