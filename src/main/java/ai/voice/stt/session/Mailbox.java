package ai.voice.stt.session;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session's FIFO of work, run one task at a time on a shared executor (virtual threads), so the
 * session's state needs no locks and per-session order holds. Bounded: {@link #offer} refuses when
 * full instead of letting one runaway client grow the heap.
 */
final class Mailbox {
  private static final Logger log = LoggerFactory.getLogger(Mailbox.class);

  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicInteger size = new AtomicInteger();
  private final AtomicBoolean draining = new AtomicBoolean();
  private final Executor executor;
  private final int capacity;
  private final String owner;

  Mailbox(Executor executor, int capacity, String owner) {
    this.executor = executor;
    this.capacity = capacity;
    this.owner = owner;
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
        } catch (RuntimeException e) {
          // One failing task must not stop the session's later work.
          log.error("session {}: task failed", owner, e);
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
