package ai.voice.stt.recognizer;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one scarce resource: a fixed set of platform threads running the recognizer, fed by one
 * bounded FIFO queue. Platform threads because JNI calls pin virtual threads for their whole
 * duration. Fairness across sessions comes from the sessions themselves: each has at most one job
 * queued or running, so FIFO order is round-robin order.
 *
 * <p>Each job has a deadline ({@link RecognitionDeadline}, from when a worker starts it): past it
 * the job fails with {@link RecognitionException.Kind#TIMED_OUT} and its worker is abandoned, as a
 * native call cannot be interrupted. Where the recognizer's calls share nothing ({@link
 * Recognizer#independentCalls()}) a replacement worker is started, so capacity is kept; otherwise
 * the stuck call keeps its worker's place until it returns. Either way, once as many workers are
 * stuck as there are workers, {@link #healthy()} turns false (the pod reports unready). A stuck
 * call that returns after all frees its place again. The deadline is watched by one timer thread; a
 * job that finishes in time only schedules and cancels its timer (no lock of its own).
 *
 * <p>Cancelling the future a job returns aborts it (docs/decisions/0031): a job still queued leaves
 * the queue and never runs; a running one is stopped through its {@link RecognizerCall} (for
 * whisper.cpp, its abort callback) and its worker is free as soon as the call returns. Either way
 * the future stays cancelled: an aborted job's answer is never delivered. Cancelling a job that
 * ended does nothing.
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
  private final RecognitionDeadline deadline;
  private final ScheduledThreadPoolExecutor watchdog;
  // Workers abandoned at a deadline whose call has not returned. Changed (and the pool resized)
  // only under resizing, which a job that finishes in time never takes.
  private final AtomicInteger stuck = new AtomicInteger();
  private final Object resizing = new Object();
  private static final double SAMPLE_RATE = 16_000;
  private final DecodeCost cost = new DecodeCost();
  private final AtomicLong abortedQueued = new AtomicLong();
  private final AtomicLong abortedRunning = new AtomicLong();
  // CPU in microseconds, so that adding needs no lock.
  private final AtomicLong savedMicros = new AtomicLong();
  private final AtomicLong abortedSpentMicros = new AtomicLong();
  // Measured CPU of every call, and of those whose answer became useless while they ran.
  private final AtomicLong decodeMicros = new AtomicLong();
  private final AtomicLong uselessMicros = new AtomicLong();

  /** A scheduler with the default deadline ({@link RecognitionDeadline#DEFAULT}). */
  public InferenceScheduler(Recognizer recognizer, int queueCapacity) {
    this(recognizer, queueCapacity, RecognitionDeadline.DEFAULT);
  }

  public InferenceScheduler(
      Recognizer recognizer, int queueCapacity, RecognitionDeadline deadline) {
    this.recognizer = recognizer;
    this.deadline = deadline;
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
    this.watchdog =
        new ScheduledThreadPoolExecutor(
            1, Thread.ofPlatform().name("recognition-deadlines").daemon().factory());
    // A job done in time cancels its timer; without this it would stay queued until its deadline.
    watchdog.setRemoveOnCancelPolicy(true);
  }

  /** One running job as its deadline sees it: still running, finished, or abandoned. */
  private static final class Watch {
    private static final int RUNNING = 0;
    private static final int FINISHED = 1;
    private static final int ABANDONED = 2;
    private final AtomicInteger state = new AtomicInteger(RUNNING);
    // Written under resizing by the deadline, read under it by the call that returns late.
    private boolean replaced;

    boolean finish() {
      return state.compareAndSet(RUNNING, FINISHED);
    }

    boolean abandon() {
      return state.compareAndSet(RUNNING, ABANDONED);
    }
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
    return submit(samples, Hints.language(language));
  }

  /** {@link #submit(float[], Optional)} with a session's {@link Hints}. */
  public CompletableFuture<Outcome> submit(float[] samples, Hints hints) {
    if (!claimWorker(capacity)) {
      return CompletableFuture.failedFuture(
          new RecognitionException(
              RecognitionException.Kind.BUSY,
              "inference queue is full (" + (capacity - workers) + " waiting)"));
    }
    return run(samples, hints, false);
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
    return submitIfIdle(samples, Hints.language(language));
  }

  /** {@link #submitIfIdle(float[], Optional)} with a session's {@link Hints}. */
  public Optional<CompletableFuture<Outcome>> submitIfIdle(float[] samples, Hints hints) {
    return claimWorker(workers) ? Optional.of(run(samples, hints, false)) : Optional.empty();
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
    return submitInBackground(samples, Hints.language(language));
  }

  /** {@link #submitInBackground(float[], Optional)} with a session's {@link Hints}. */
  public Optional<CompletableFuture<Outcome>> submitInBackground(float[] samples, Hints hints) {
    return claimWorker(1) ? Optional.of(run(samples, hints, true)) : Optional.empty();
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

  /** One job from its admission: queued, running, ended, or cancelled before it started. */
  private static final class Job {
    private static final int QUEUED = 0;
    private static final int RUNNING = 1;
    private static final int ENDED = 2;
    private static final int CANCELLED = 3;
    private final AtomicInteger state = new AtomicInteger(QUEUED);
    private final RecognizerCall call = new RecognizerCall();
    private final double audioSeconds;
    // Its caller will not use the answer ({@link #abandon}).
    private volatile boolean useless;
    private Runnable task;

    Job(int samples) {
      this.audioSeconds = samples / SAMPLE_RATE;
    }
  }

  /** The future of one job's outcome, which knows its job (for {@link #abandon}). */
  private static final class JobFuture extends CompletableFuture<Outcome> {
    private final Job job;

    JobFuture(Job job) {
      this.job = job;
    }
  }

  /**
   * The caller will not use {@code outcome}'s answer (decisions/0031): all the CPU its job spends,
   * when it returns, is counted as useless ({@link #uselessCpuSeconds}), and with {@code abort} the
   * job is cancelled (off the queue, or stopped in the recognizer). Without it the job runs to its
   * end, as before aborting existed, so the two can be compared in one binary.
   *
   * @return true when the job was aborted by this call (it was queued or running)
   */
  public boolean abandon(CompletableFuture<Outcome> outcome, boolean abort) {
    if (outcome instanceof JobFuture running) {
      running.job.useless = true;
    }
    return abort && outcome.cancel(true);
  }

  private CompletableFuture<Outcome> run(float[] samples, Hints hints, boolean background) {
    long enqueued = System.nanoTime();
    Job job = new Job(samples.length);
    CompletableFuture<Outcome> result = new JobFuture(job);
    job.task =
        () -> {
          if (!job.state.compareAndSet(Job.QUEUED, Job.RUNNING)) {
            return; // cancelled while queued: its place was given back then
          }
          double queued = (System.nanoTime() - enqueued) / 1e9;
          Watch watch = new Watch();
          ScheduledFuture<?> timer = watchDeadline(watch, result, samples.length);
          Outcome outcome = null;
          RecognitionException failure = null;
          try {
            Transcript transcript = recognizer.transcribe(samples, hints, background, job.call);
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
            job.state.set(Job.ENDED);
            if (timer != null) {
              timer.cancel(false);
            }
            if (watch.finish()) {
              // The worker is free before its caller hears the outcome (and may submit again).
              outstanding.decrementAndGet();
            } else {
              returnedLate(watch, enqueued);
            }
            account(job, failure == null);
          }
          // After a deadline or a cancel the future is already done, and what came is dropped.
          if (failure == null) {
            result.complete(outcome);
          } else {
            result.completeExceptionally(failure);
          }
        };
    // Registered before the job can run: a cancel from now on reaches it.
    result.whenComplete(
        (outcome, failure) -> {
          if (result.isCancelled()) {
            cancelled(job);
          }
        });
    try {
      executor.execute(job.task);
    } catch (RejectedExecutionException e) {
      // Only after close(): admission above keeps the queue from ever being full.
      job.state.set(Job.ENDED);
      outstanding.decrementAndGet();
      result.completeExceptionally(
          new RecognitionException(RecognitionException.Kind.BUSY, "inference is shutting down"));
    }
    return result;
  }

  /**
   * The job's future was cancelled: a queued job leaves the queue and gives its place back now; a
   * running one is aborted ({@link RecognizerCall#abort()}) and gives its worker back when the
   * recognizer returns, which whisper.cpp does at its next check (between graph nodes and decoder
   * steps). A job that ended meanwhile is left alone.
   */
  private void cancelled(Job job) {
    if (job.state.compareAndSet(Job.QUEUED, Job.CANCELLED)) {
      executor.remove(job.task); // false when a worker took it already: it returns at its start
      outstanding.decrementAndGet();
      abortedQueued.incrementAndGet();
      saveCpu(cost.expected(job.audioSeconds));
    } else if (job.state.get() == Job.RUNNING) {
      job.call.abort();
    }
  }

  /**
   * A job's call returned: a complete one teaches the cost of a decode; an aborted one counts, with
   * the CPU it did not spend.
   */
  private void account(Job job, boolean succeeded) {
    RecognizerCall call = job.call;
    if (call.cpuMeasured()) {
      addCpu(decodeMicros, call.cpuSeconds());
      if (job.useless) {
        addCpu(uselessMicros, call.cpuSeconds());
      }
    }
    if (call.aborted()) {
      abortedRunning.incrementAndGet();
      if (call.cpuMeasured()) {
        addCpu(abortedSpentMicros, call.cpuSeconds());
        saveCpu(cost.saved(job.audioSeconds, call.cpuSeconds()));
      }
    } else if (succeeded && call.cpuMeasured()) {
      cost.completed(job.audioSeconds, call.cpuSeconds());
    }
  }

  private void saveCpu(double seconds) {
    addCpu(savedMicros, seconds);
  }

  private static void addCpu(AtomicLong micros, double seconds) {
    micros.addAndGet(Math.round(seconds * 1e6));
  }

  /** Jobs cancelled while they waited for a worker (they never ran). */
  public long abortedQueued() {
    return abortedQueued.get();
  }

  /** Jobs aborted while they ran (their call was stopped; their answer dropped). */
  public long abortedRunning() {
    return abortedRunning.get();
  }

  /**
   * CPU seconds that cancelled jobs did not spend: for each, the expected CPU of a full decode of
   * its audio ({@link DecodeCost}, from the completed decodes' measured CPU) less what it had spent
   * when it stopped. 0 for a recognizer that measures no CPU of its own (HTTP).
   */
  public double abortedCpuSavedSeconds() {
    return savedMicros.get() / 1e6;
  }

  /** CPU seconds that aborted jobs had spent before they stopped (measured). */
  public double abortedCpuSpentSeconds() {
    return abortedSpentMicros.get() / 1e6;
  }

  /** CPU seconds every call spent in the recognizer (measured; 0 for HTTP). */
  public double decodeCpuSeconds() {
    return decodeMicros.get() / 1e6;
  }

  /**
   * CPU seconds spent by calls whose answer became useless while they were queued or running
   * ({@link #abandon}): up to their abort, or to their end when they were not aborted. What
   * aborting lowers, measured the same way with it on and off.
   */
  public double uselessCpuSeconds() {
    return uselessMicros.get() / 1e6;
  }

  /** Fails {@code result} and abandons its worker if the job is still running at its deadline. */
  private ScheduledFuture<?> watchDeadline(
      Watch watch, CompletableFuture<Outcome> result, int samples) {
    try {
      return watchdog.schedule(
          () -> expired(watch, result, samples),
          deadline.forSamples(samples).toNanos(),
          TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      return null; // closed: a job still running at close has no deadline left to keep
    }
  }

  /**
   * The job's deadline passed while it ran: its caller hears {@code TIMED_OUT} now, and its worker
   * is abandoned. Replaced when the recognizer's calls share nothing and fewer than {@link
   * #stuckLimit()} workers are stuck; otherwise the stuck call keeps its place, so admission sees
   * the capacity that is really left.
   */
  private void expired(Watch watch, CompletableFuture<Outcome> result, int samples) {
    int nowStuck;
    boolean replaced;
    synchronized (resizing) {
      if (!watch.abandon()) {
        return; // finished just in time
      }
      nowStuck = stuck.incrementAndGet();
      replaced = recognizer.independentCalls() && nowStuck <= workers;
      watch.replaced = replaced;
      if (replaced) {
        executor.setMaximumPoolSize(executor.getMaximumPoolSize() + 1);
        executor.setCorePoolSize(executor.getCorePoolSize() + 1);
        executor.prestartCoreThread();
        outstanding.decrementAndGet(); // the replacement takes the abandoned job's place
      }
    }
    log.error(
        "a recognition ran past its deadline of {}; its worker is abandoned ({} stuck of {}{})",
        deadline.explain(samples),
        nowStuck,
        workers,
        replaced ? ", a replacement started" : ", not replaced: one worker fewer");
    result.completeExceptionally(
        new RecognitionException(
            RecognitionException.Kind.TIMED_OUT,
            "recognition took longer than its deadline of " + deadline.explain(samples)));
  }

  /** A call abandoned at its deadline returned after all: its place is given back. */
  private void returnedLate(Watch watch, long enqueued) {
    synchronized (resizing) {
      stuck.decrementAndGet();
      if (watch.replaced) {
        executor.setCorePoolSize(executor.getCorePoolSize() - 1);
        executor.setMaximumPoolSize(executor.getMaximumPoolSize() - 1);
      } else {
        outstanding.decrementAndGet();
      }
    }
    log.warn(
        "a recognition abandoned at its deadline returned {} s after it was queued; its worker is"
            + " free again",
        String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - enqueued) / 1e9));
  }

  /** Workers abandoned at a deadline whose call has not returned. */
  public int stuckWorkers() {
    return stuck.get();
  }

  /** How many stuck workers make the scheduler unhealthy: as many as it has workers. */
  public int stuckLimit() {
    return workers;
  }

  /** False once {@link #stuckLimit()} workers are stuck: the pod should take no new work. */
  public boolean healthy() {
    return stuck.get() < workers;
  }

  /**
   * Recognizer calls the scheduler runs at once: the local recognizer's workers, or the HTTP
   * recognizer's concurrency ({@code STT_WHISPER_HTTP_CONCURRENCY}).
   */
  public int workers() {
    return workers;
  }

  /**
   * Workers with a job (a stuck one included): with {@link #workers()}, the recognizer's busy
   * fraction, which reaches 1 before anything waits in the queue.
   */
  public int busyWorkers() {
    return Math.min(workers, outstanding.get());
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
    watchdog.shutdownNow();
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
