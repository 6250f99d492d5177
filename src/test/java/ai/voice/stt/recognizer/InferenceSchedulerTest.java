package ai.voice.stt.recognizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Whatever a recognizer throws, an {@link Error} included, the job's future completes (with a
 * {@link RecognitionException}) and the worker goes on to the next job.
 */
class InferenceSchedulerTest {

  /** Plays back scripted behaviours, one per call, on a single worker. */
  private static final class ScriptedRecognizer implements Recognizer {
    private final Deque<Supplier<Transcript>> script = new ArrayDeque<>();
    final List<Thread> threads = new ArrayList<>();

    ScriptedRecognizer then(Supplier<Transcript> step) {
      script.add(step);
      return this;
    }

    @Override
    public synchronized Transcript transcribe(float[] samples, Optional<String> language) {
      threads.add(Thread.currentThread());
      return script.remove().get();
    }

    @Override
    public int maxConcurrency() {
      return 1;
    }

    @Override
    public String describe() {
      return "scripted";
    }

    @Override
    public void close() {}
  }

  private static Transcript heard(String text) {
    return new Transcript(text, List.of(), Optional.of("en"), 0.01);
  }

  @Test
  void anOutOfMemoryErrorFailsItsJobAndTheWorkerServesTheNext() throws Exception {
    OutOfMemoryError oom = new OutOfMemoryError("test");
    ScriptedRecognizer recognizer =
        new ScriptedRecognizer()
            .then(
                () -> {
                  throw oom;
                })
            .then(() -> heard("still here"));
    try (InferenceScheduler scheduler = new InferenceScheduler(recognizer, 4)) {
      CompletableFuture<InferenceScheduler.Outcome> first =
          scheduler.submit(new float[16], Optional.empty());
      ExecutionException failed =
          assertThrows(ExecutionException.class, () -> first.get(1, TimeUnit.SECONDS));
      RecognitionException cause = assertInstanceOf(RecognitionException.class, failed.getCause());
      assertEquals(RecognitionException.Kind.FAILED, cause.kind());
      assertSame(oom, cause.getCause());

      InferenceScheduler.Outcome second =
          scheduler.submit(new float[16], Optional.empty()).get(1, TimeUnit.SECONDS);
      assertEquals("still here", second.transcript().text());
      assertSame(recognizer.threads.get(0), recognizer.threads.get(1), "the same worker");
    }
  }

  @Test
  void everyKindOfThrowableCompletesTheFuture() throws Exception {
    List<Throwable> thrown =
        List.of(
            new AssertionError("a recognizer's assert"),
            new UnsatisfiedLinkError("no libwhisper"),
            new StackOverflowError(),
            new IllegalStateException("runtime"));
    ScriptedRecognizer recognizer = new ScriptedRecognizer();
    for (Throwable t : thrown) {
      recognizer.then(() -> sneakyThrow(t));
    }
    recognizer.then(() -> heard("after all that"));
    try (InferenceScheduler scheduler = new InferenceScheduler(recognizer, 8)) {
      for (Throwable t : thrown) {
        CompletableFuture<InferenceScheduler.Outcome> job =
            scheduler.submit(new float[16], Optional.empty());
        ExecutionException failed =
            assertThrows(ExecutionException.class, () -> job.get(1, TimeUnit.SECONDS), t + "");
        assertSame(t, failed.getCause().getCause());
      }
      assertEquals(
          "after all that",
          scheduler
              .submit(new float[16], Optional.empty())
              .get(1, TimeUnit.SECONDS)
              .transcript()
              .text());
    }
  }

  /**
   * Capacity is workers + queue, counted at submission: a job submitted the instant after another
   * is not refused because the idle worker has not yet taken the first one off the queue (seen as a
   * spurious 429 in the whisper-server, a spurious {@code overloaded} in a session).
   */
  @Test
  void backToBackJobsUpToWorkersPlusQueueAreAllAccepted() throws Exception {
    for (int round = 0; round < 200; round++) {
      java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
      ScriptedRecognizer recognizer = new ScriptedRecognizer();
      for (int i = 0; i < 2; i++) {
        recognizer.then(
            () -> {
              try {
                gate.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return heard("held");
            });
      }
      try (InferenceScheduler scheduler = new InferenceScheduler(recognizer, 1)) {
        CompletableFuture<InferenceScheduler.Outcome> running =
            scheduler.submit(new float[16], Optional.empty());
        CompletableFuture<InferenceScheduler.Outcome> queued =
            scheduler.submit(new float[16], Optional.empty());
        CompletableFuture<InferenceScheduler.Outcome> over =
            scheduler.submit(new float[16], Optional.empty());
        ExecutionException refused =
            assertThrows(ExecutionException.class, () -> over.get(1, TimeUnit.SECONDS));
        assertEquals(
            RecognitionException.Kind.BUSY,
            assertInstanceOf(RecognitionException.class, refused.getCause()).kind());
        gate.countDown();
        assertEquals("held", running.get(1, TimeUnit.SECONDS).transcript().text());
        assertEquals("held", queued.get(1, TimeUnit.SECONDS).transcript().text(), "round " + round);
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static <T extends Throwable> Transcript sneakyThrow(Throwable t) throws T {
    throw (T) t;
  }
}
