package ai.voice.stt.session;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session's FIFO of work, run one task at a time on a shared executor (virtual threads), so the
 * session's state needs no locks and per-session order holds. Bounded: {@link #offer} refuses when
 * full instead of letting one runaway client grow the heap. A task that throws (anything, {@link
 * Error}s included) is handed to the owner's failure handler, which runs as the next task: a
 * session never stalls or carries on silently after a failure.
 */
final class Mailbox {
  private static final Logger log = LoggerFactory.getLogger(Mailbox.class);

  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicInteger size = new AtomicInteger();
  private final AtomicBoolean draining = new AtomicBoolean();
  private final Executor executor;
  private final int capacity;
  private final String owner;
  private final Consumer<Throwable> onFailure;

  Mailbox(Executor executor, int capacity, String owner, Consumer<Throwable> onFailure) {
    this.executor = executor;
    this.capacity = capacity;
    this.owner = owner;
    this.onFailure = onFailure;
  }

  /** Returns false, without queueing, when the mailbox is full. */
  boolean offer(Runnable task) {
    if (size.incrementAndGet() > capacity) {
      size.decrementAndGet();
      return false;
    }
    tasks.add(task);
    scheduleDrain();
    return true;
  }

  /** Queues regardless of capacity: for the service's own follow-ups (results, timers). */
  void post(Runnable task) {
    size.incrementAndGet();
    tasks.add(task);
    scheduleDrain();
  }

  private void failed(Throwable failure) {
    try {
      onFailure.accept(failure);
    } catch (Throwable e) { // NOPMD: nothing more can be done for this session; keep draining
      log.error("session {}: its failure could not be reported", owner, e);
    }
  }

  private void scheduleDrain() {
    if (draining.compareAndSet(false, true)) {
      executor.execute(this::drain);
    }
  }

  private void drain() {
    try {
      Runnable task;
      while ((task = tasks.poll()) != null) {
        size.decrementAndGet();
        try {
          task.run();
        } catch (Throwable e) { // NOPMD: an Error must end the session too, not kill the drain
          log.error("session {}: task failed", owner, e);
          failed(e);
        }
      }
    } finally {
      draining.set(false);
      // A task added between the last poll and the flag reset must still run.
      if (!tasks.isEmpty()) {
        scheduleDrain();
      }
    }
  }
}
