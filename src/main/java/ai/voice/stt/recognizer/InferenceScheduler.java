package ai.voice.stt.recognizer;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one scarce resource: a fixed set of platform threads running the recognizer, fed by one
 * bounded FIFO queue. Platform threads because JNI calls pin virtual threads for their whole
 * duration. Fairness across sessions comes from the sessions themselves: each has at most one job
 * queued or running, so FIFO order is round-robin order.
 */
public final class InferenceScheduler implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(InferenceScheduler.class);
  private final Recognizer recognizer;
  private final ThreadPoolExecutor executor;
  private final int workers;
  private final int capacity;
  // Jobs queued or running: a worker is free while this is below the number of workers. It, not
  // the executor's queue, decides admission: a job handed to an idle worker sits in that queue
  // until the worker wakes to take it, so a bounded queue alone refused a job submitted right
  // after another while a worker stood idle.
  private final AtomicInteger outstanding = new AtomicInteger();

  public InferenceScheduler(Recognizer recognizer, int queueCapacity) {
    this.recognizer = recognizer;
    this.workers = recognizer.maxConcurrency();
    this.capacity = workers + queueCapacity;
    AtomicInteger ids = new AtomicInteger();
    this.executor =
        new ThreadPoolExecutor(
            workers,
            workers,
            0,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(capacity),
            task -> {
              Thread thread = new Thread(task, "inference-" + ids.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            },
            new ThreadPoolExecutor.AbortPolicy());
    executor.prestartAllCoreThreads();
  }

  /** What came back from one job, with the time it waited for a worker. */
  public record Outcome(Transcript transcript, double queueSeconds) {}

  /**
   * Queues one stretch of audio.
   *
   * @return a future that fails with {@link RecognitionException}: {@code BUSY} at once when every
   *     worker is busy and the queue is full, otherwise whatever the recognizer reported; anything
   *     else it throws, an {@link Error} included, as {@code RECOGNIZER_ERROR} with the throwable
   *     as the cause
   */
  public CompletableFuture<Outcome> submit(float[] samples, Optional<String> language) {
    if (!claimWorker(capacity)) {
      return CompletableFuture.failedFuture(
          new RecognitionException(
              RecognitionException.Kind.BUSY,
              "inference queue is full (" + (capacity - workers) + " waiting)"));
    }
    return run(samples, language, false);
  }

  /**
   * Queues one stretch of audio only if a worker is free and nothing waits: work that may turn out
   * unneeded (a speculative final, an interim hypothesis) never goes ahead of real work. A real job
   * submitted just after it waits for it at most once.
   *
   * @return empty when every worker is busy or a job waits
   */
  public Optional<CompletableFuture<Outcome>> submitIfIdle(
      float[] samples, Optional<String> language) {
    return claimWorker(workers) ? Optional.of(run(samples, language, false)) : Optional.empty();
  }

  /**
   * Queues work that may be thrown away (an interim hypothesis) only when the recognizer is idle
   * (no job queued or running), and runs it without borrowing idle cores ({@link
   * Recognizer#transcribeInBackground}): every other worker stays free for real work. Measured:
   * with interims whenever one of two workers was free, finals at 8 sessions reached p95 1.71 s
   * (docs/benchmarks.md).
   *
   * @return empty unless the recognizer is idle
   */
  public Optional<CompletableFuture<Outcome>> submitInBackground(
      float[] samples, Optional<String> language) {
    return claimWorker(1) ? Optional.of(run(samples, language, true)) : Optional.empty();
  }

  /** Counts one more job if fewer than {@code limit} are queued or running. */
  private boolean claimWorker(int limit) {
    int busy;
    do {
      busy = outstanding.get();
      if (busy >= limit) {
        return false;
      }
    } while (!outstanding.compareAndSet(busy, busy + 1));
    return true;
  }

  /** True when a worker is free and nothing waits. */
  public boolean idleWorker() {
    return outstanding.get() < workers;
  }

  private CompletableFuture<Outcome> run(
      float[] samples, Optional<String> language, boolean background) {
    CompletableFuture<Outcome> result = new CompletableFuture<>();
    long enqueued = System.nanoTime();
    try {
      executor.execute(
          () -> {
            double queued = (System.nanoTime() - enqueued) / 1e9;
            Outcome outcome = null;
            RecognitionException failure = null;
            try {
              Transcript transcript =
                  background
                      ? recognizer.transcribeInBackground(samples, language)
                      : recognizer.transcribe(samples, language);
              outcome = new Outcome(transcript, queued);
            } catch (RecognitionException e) {
              failure = e;
            } catch (RuntimeException e) {
              failure =
                  new RecognitionException(
                      RecognitionException.Kind.FAILED, "recognizer failed: " + e, e);
            } catch (Throwable e) {
              // An Error (OutOfMemoryError, UnsatisfiedLinkError, a recognizer's AssertionError)
              // must still complete the future, or its caller waits for ever. It is not rethrown,
              // VirtualMachineError included: out of this Runnable it would only end this worker
              // (the pool starts another) and print to stderr outside the log; it would not stop
              // the JVM. A process that must die on OutOfMemoryError is run with
              // -XX:+ExitOnOutOfMemoryError, which acts where the error is raised, before this.
              log.error("recognizer failed with {}", e.toString(), e);
              failure =
                  new RecognitionException(
                      RecognitionException.Kind.FAILED, "recognizer failed: " + e, e);
            } finally {
              // The worker is free before its caller hears the outcome (and may submit again).
              outstanding.decrementAndGet();
            }
            if (failure == null) {
              result.complete(outcome);
            } else {
              result.completeExceptionally(failure);
            }
          });
    } catch (RejectedExecutionException e) {
      // Only after close(): admission above keeps the queue from ever being full.
      outstanding.decrementAndGet();
      result.completeExceptionally(
          new RecognitionException(RecognitionException.Kind.BUSY, "inference is shutting down"));
    }
    return result;
  }

  /** Jobs admitted and waiting for a worker. */
  public int queueDepth() {
    return Math.max(0, outstanding.get() - workers);
  }

  public String describeRecognizer() {
    return recognizer.describe();
  }

  /**
   * Lets queued and running jobs finish within {@code timeout}, then frees the recognizer. A job
   * still inside native code at the deadline keeps the recognizer alive: freeing the model under a
   * running whisper.cpp call would crash the process, which is about to exit anyway.
   */
  public void close(Duration timeout) {
    executor.shutdown();
    boolean finished = false;
    try {
      finished = executor.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (finished) {
      recognizer.close();
    } else {
      log.warn(
          "{} recognitions still running after {} s; the model is left to the process exit",
          executor.getActiveCount() + executor.getQueue().size(),
          timeout.toMillis() / 1000.0);
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(30));
  }
}
