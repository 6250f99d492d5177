package ai.voice.stt.recognizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Work that may be thrown away never goes ahead of real work: a speculative final only on a free
 * worker, an interim only when the recognizer idles, and without borrowed cores.
 */
class OpportunisticWorkTest {
  private static final float[] AUDIO = new float[1600];

  /** Two workers whose calls wait for the test; counts background calls. */
  private static final class Held implements Recognizer {
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicInteger background = new AtomicInteger();

    @Override
    public Transcript transcribe(float[] samples, Optional<String> language) {
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return new Transcript("words", List.of(), Optional.empty(), 0);
    }

    @Override
    public Transcript transcribeInBackground(float[] samples, Optional<String> language) {
      background.incrementAndGet();
      return transcribe(samples, language);
    }

    @Override
    public int maxConcurrency() {
      return 2;
    }

    @Override
    public String describe() {
      return "held";
    }

    @Override
    public void close() {}
  }

  @Test
  void speculativeWorkTakesOnlyAFreeWorker() throws Exception {
    Held recognizer = new Held();
    try (InferenceScheduler scheduler = new InferenceScheduler(recognizer, 8)) {
      assertTrue(scheduler.idleWorker());
      CompletableFuture<InferenceScheduler.Outcome> real =
          scheduler.submit(AUDIO, Optional.empty());
      Optional<CompletableFuture<InferenceScheduler.Outcome>> speculative =
          scheduler.submitIfIdle(AUDIO, Optional.empty());
      assertTrue(speculative.isPresent(), "the second worker was free");
      assertFalse(scheduler.idleWorker());
      assertTrue(scheduler.submitIfIdle(AUDIO, Optional.empty()).isEmpty(), "none free now");
      recognizer.release.countDown();
      real.get(10, TimeUnit.SECONDS);
      speculative.get().get(10, TimeUnit.SECONDS);
      assertEquals(0, recognizer.background.get(), "a speculative final may borrow idle cores");
    }
  }

  @Test
  void anInterimRunsOnlyWhenTheRecognizerIdlesAndBorrowsNoCores() throws Exception {
    Held recognizer = new Held();
    try (InferenceScheduler scheduler = new InferenceScheduler(recognizer, 8)) {
      CompletableFuture<InferenceScheduler.Outcome> real =
          scheduler.submit(AUDIO, Optional.empty());
      assertTrue(
          scheduler.submitInBackground(AUDIO, Optional.empty()).isEmpty(),
          "one worker busy: the other stays free for a final");
      recognizer.release.countDown();
      real.get(10, TimeUnit.SECONDS);
      Optional<CompletableFuture<InferenceScheduler.Outcome>> interim =
          scheduler.submitInBackground(AUDIO, Optional.empty());
      assertTrue(interim.isPresent(), "both idle");
      interim.get().get(10, TimeUnit.SECONDS);
      assertEquals(1, recognizer.background.get());
    }
  }
}
