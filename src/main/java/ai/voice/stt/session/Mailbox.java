package ai.voice.stt.session;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session's FIFO of work, run one task at a time on a shared executor (virtual threads), so the
 * session's state needs no locks and per-session order holds. Bounded by {@link MailboxBounds}:
 * audio by its bytes ({@link #offerAudio} refuses when they would pass the bound, instead of
 * letting one runaway client grow the heap), control messages by their own generous count ({@link
 * #offerControl}), so a full load of audio never costs a session its {@code end} or {@code
 * state_change}. A task that throws (anything, {@link Error}s included) is handed to the owner's
 * failure handler, which runs as the next task: a session never stalls or carries on silently after
 * a failure.
 */
final class Mailbox {
  private static final Logger log = LoggerFactory.getLogger(Mailbox.class);

  private final Queue<Task> tasks = new ConcurrentLinkedQueue<>();
  // What the queued client messages weigh against the bounds; the service's own tasks weigh
  // nothing.
  private final AtomicLong audioBytes = new AtomicLong();
  private final AtomicInteger controlMessages = new AtomicInteger();
  private final AtomicBoolean draining = new AtomicBoolean();
  private final Executor executor;
  private final MailboxBounds bounds;
  private final String owner;
  private final Consumer<Throwable> onFailure;

  /** A queued task and what it weighs: audio bytes, or one control message, or nothing. */
  private record Task(Runnable run, int audioBytes, boolean control) {}

  Mailbox(Executor executor, MailboxBounds bounds, String owner, Consumer<Throwable> onFailure) {
    this.executor = executor;
    this.bounds = bounds;
    this.owner = owner;
    this.onFailure = onFailure;
  }

  /**
   * Queues the handling of a chunk of {@code bytes} of audio.
   *
   * @return false, without queueing, when the audio already queued leaves no room for it
   */
  boolean offerAudio(Runnable task, int bytes) {
    long queued;
    do {
      queued = audioBytes.get();
      if (!bounds.admitsAudio(queued, bytes)) {
        return false;
      }
    } while (!audioBytes.compareAndSet(queued, queued + bytes));
    add(new Task(task, bytes, false));
    return true;
  }

  /**
   * Queues a control message (or the answer to one that did not decode).
   *
   * @return false, without queueing, only when a flood of them has reached the control bound
   */
  boolean offerControl(Runnable task) {
    int queued;
    do {
      queued = controlMessages.get();
      if (!bounds.admitsControl(queued)) {
        return false;
      }
    } while (!controlMessages.compareAndSet(queued, queued + 1));
    add(new Task(task, 0, true));
    return true;
  }

  /** Queues regardless of the bounds: for the service's own follow-ups (results, timers). */
  void post(Runnable task) {
    add(new Task(task, 0, false));
  }

  private void add(Task task) {
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

  /** A task leaves the queue: its weight no longer counts against the bounds. */
  private void release(Task task) {
    if (task.audioBytes() > 0) {
      audioBytes.addAndGet(-task.audioBytes());
    }
    if (task.control()) {
      controlMessages.decrementAndGet();
    }
  }

  private void scheduleDrain() {
    if (draining.compareAndSet(false, true)) {
      executor.execute(this::drain);
    }
  }

  private void drain() {
    try {
      Task task;
      while ((task = tasks.poll()) != null) {
        release(task);
        try {
          task.run().run();
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
