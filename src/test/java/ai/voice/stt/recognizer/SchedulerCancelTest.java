package ai.voice.stt.recognizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.voice.stt.support.Await;
import ai.voice.stt.support.StoppableRecognizer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Cancelling the future of a recognition aborts it (decisions/0031): a queued one never runs, a
 * running one is stopped through its {@link RecognizerCall}, its worker serves the next job, and
 * its answer is never delivered; cancelling one that ended does nothing. One worker, and a stand-in
 * recognizer whose calls run until the test releases them or the scheduler stops them.
 */
class SchedulerCancelTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  /** Each call waits for release or abort; records the length of each call it starts. */
  private static final class Stoppable extends StoppableRecognizer {
    final List<Integer> started = new CopyOnWriteArrayList<>();
    final List<Integer> stopped = new CopyOnWriteArrayList<>();
    volatile CountDownLatch release = new CountDownLatch(1);

    Stoppable() {
      super(1);
    }

    @Override
    protected Transcript answer(float[] samples, boolean background, RecognizerCall call)
        throws RecognitionException {
      started.add(samples.length);
      boolean wasStopped = holdUntil(release, call, Duration.ofMinutes(1));
      call.spent(0.5); // as if half a second of CPU went into it
      if (wasStopped) {
        stopped.add(samples.length);
        throw aborted();
      }
      return new Transcript("heard " + samples.length, List.of(), Optional.of("en"), 0.01);
    }
  }

  private static float[] audio(int samples) {
    return new float[samples];
  }

  @Test
  void aQueuedJobCancelledNeverRunsAndGivesItsPlaceBack() throws Exception {
    Stoppable recognizer = new Stoppable();
    try (InferenceScheduler scheduler = new InferenceScheduler(recognizer, 1)) {
      CompletableFuture<InferenceScheduler.Outcome> running =
          scheduler.submit(audio(100), Hints.NONE);
      Await.until(() -> recognizer.started.size() == 1, WAIT, "the first job runs");
      CompletableFuture<InferenceScheduler.Outcome> queued =
          scheduler.submit(audio(200), Hints.NONE);
      assertEquals(1, scheduler.queueDepth());
      assertTrue(queued.cancel(true));
      assertEquals(0, scheduler.queueDepth(), "its place in the queue is given back at once");
      // The queue (capacity 1) takes another job where the cancelled one was.
      CompletableFuture<InferenceScheduler.Outcome> next = scheduler.submit(audio(300), Hints.NONE);
      recognizer.release.countDown();
      assertEquals("heard 100", running.get(10, TimeUnit.SECONDS).transcript().text());
      assertEquals("heard 300", next.get(10, TimeUnit.SECONDS).transcript().text());
      assertEquals(List.of(100, 300), recognizer.started, "the cancelled job never ran");
      assertTrue(queued.isCancelled());
      assertEquals(1, scheduler.abortedQueued());
      assertEquals(0, scheduler.abortedRunning());
      assertEquals(0, scheduler.busyWorkers());
    }
  }

  @Test
  void aRunningJobCancelledIsStoppedItsAnswerNeverDeliveredAndItsWorkerFree() throws Exception {
    Stoppable recognizer = new Stoppable();
    try (InferenceScheduler scheduler = new InferenceScheduler(recognizer, 1)) {
      CompletableFuture<InferenceScheduler.Outcome> running =
          scheduler.submit(audio(100), Hints.NONE);
      Await.until(() -> recognizer.started.size() == 1, WAIT, "the job runs");
      List<Object> delivered = new CopyOnWriteArrayList<>();
      CompletableFuture<Void> seen = running.thenAccept(delivered::add);
      assertTrue(running.cancel(true));
      // Stopped though nothing released it: only the abort ends the call.
      Await.until(() -> recognizer.stopped.size() == 1, WAIT, "the call is stopped");
      Await.until(() -> scheduler.busyWorkers() == 0, WAIT, "the worker is free");
      CompletableFuture<InferenceScheduler.Outcome> next = scheduler.submit(audio(300), Hints.NONE);
      Await.until(() -> recognizer.started.size() == 2, WAIT, "the next job runs");
      recognizer.release.countDown();
      assertEquals("heard 300", next.get(10, TimeUnit.SECONDS).transcript().text());
      assertThrows(CancellationException.class, running::join);
      assertTrue(seen.isCompletedExceptionally());
      assertTrue(delivered.isEmpty(), "the aborted job's answer is never delivered");
      assertEquals(0, scheduler.abortedQueued());
      assertEquals(1, scheduler.abortedRunning());
      assertEquals(0.5, scheduler.abortedCpuSpentSeconds(), 1e-6);
    }
  }

  @Test
  void cancellingAJobThatEndedDoesNothing() throws Exception {
    Stoppable recognizer = new Stoppable();
    recognizer.release.countDown();
    try (InferenceScheduler scheduler = new InferenceScheduler(recognizer, 1)) {
      CompletableFuture<InferenceScheduler.Outcome> done = scheduler.submit(audio(100), Hints.NONE);
      assertEquals("heard 100", done.get(10, TimeUnit.SECONDS).transcript().text());
      assertFalse(done.cancel(true));
      assertFalse(done.isCancelled());
      assertEquals("heard 100", done.join().transcript().text());
      assertEquals(0, scheduler.abortedQueued() + scheduler.abortedRunning());
      assertEquals(List.of(), recognizer.stopped);
      assertEquals(0, scheduler.abortedCpuSavedSeconds());
    }
  }

  @Test
  void cpuSavedIsTheExpectedCostOfAFullDecodeLessWhatTheAbortedOneSpent() throws Exception {
    Stoppable recognizer = new Stoppable();
    recognizer.release.countDown();
    try (InferenceScheduler scheduler = new InferenceScheduler(recognizer, 1)) {
      // Completed decodes teach the cost: 0.5 s of CPU for 1 s and for 2 s of audio.
      scheduler.submit(audio(16_000), Hints.NONE).get(10, TimeUnit.SECONDS);
      scheduler.submit(audio(32_000), Hints.NONE).get(10, TimeUnit.SECONDS);
      recognizer.release = new CountDownLatch(1);
      CompletableFuture<InferenceScheduler.Outcome> running =
          scheduler.submit(audio(16_000), Hints.NONE);
      Await.until(() -> recognizer.started.size() == 3, WAIT, "the job runs");
      CompletableFuture<InferenceScheduler.Outcome> queued =
          scheduler.submit(audio(16_000), Hints.NONE);
      queued.cancel(true); // saves a whole decode: 0.5 s
      running.cancel(true); // had spent 0.5 s of an expected 0.5 s: saves nothing
      Await.until(() -> scheduler.abortedRunning() == 1, WAIT, "the running one stopped");
      assertEquals(0.5, scheduler.abortedCpuSavedSeconds(), 1e-6);
    }
  }

  @Test
  void cpuSpentOnAnAnswerAbandonedIsCountedUselessWhetherTheJobIsAbortedOrRunsToItsEnd()
      throws Exception {
    Stoppable recognizer = new Stoppable();
    try (InferenceScheduler scheduler = new InferenceScheduler(recognizer, 1)) {
      // Abandoned without aborting (STT_ABORT_USELESS_DECODES=false): it runs to its end, its
      // answer is still delivered, and all its CPU counts as useless.
      CompletableFuture<InferenceScheduler.Outcome> kept = scheduler.submit(audio(100), Hints.NONE);
      Await.until(() -> recognizer.started.size() == 1, WAIT, "the first job runs");
      assertFalse(scheduler.abandon(kept, false), "not aborted");
      recognizer.release.countDown();
      assertEquals("heard 100", kept.get(10, TimeUnit.SECONDS).transcript().text());
      assertEquals(0.5, scheduler.uselessCpuSeconds(), 1e-6);
      // Abandoned and aborted: what it spent until it stopped counts as useless too.
      recognizer.release = new CountDownLatch(1);
      CompletableFuture<InferenceScheduler.Outcome> stopped =
          scheduler.submit(audio(200), Hints.NONE);
      Await.until(() -> recognizer.started.size() == 2, WAIT, "the second job runs");
      assertTrue(scheduler.abandon(stopped, true), "aborted");
      Await.until(() -> scheduler.abortedRunning() == 1, WAIT, "it stopped");
      assertTrue(stopped.isCancelled());
      // A job nobody abandoned is not useless, whatever it cost.
      recognizer.release.countDown();
      scheduler.submit(audio(300), Hints.NONE).get(10, TimeUnit.SECONDS);
      assertEquals(1.0, scheduler.uselessCpuSeconds(), 1e-6);
      assertEquals(1.5, scheduler.decodeCpuSeconds(), 1e-6, "every call's CPU");
    }
  }
}
