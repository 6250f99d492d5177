package ai.voice.stt.session;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A session's one timer, armed for its nearest deadline. It fires into the session's mailbox, so
 * the check runs like any other task of the session. Used only from the session's tasks.
 */
final class SessionTimer {
  private final ScheduledExecutorService timers;
  private final Mailbox mailbox;
  private final Runnable check;
  private ScheduledFuture<?> pending;

  /**
   * @param check the session's deadline check; it calls {@link #fired()} first
   */
  SessionTimer(ScheduledExecutorService timers, Mailbox mailbox, Runnable check) {
    this.timers = timers;
    this.mailbox = mailbox;
    this.check = check;
  }

  /** Arms the timer unless it is already armed. */
  void armIfIdle(long delayNanos) {
    if (pending == null) {
      schedule(delayNanos);
    }
  }

  /** The timer fired: it is no longer armed. */
  void fired() {
    pending = null;
  }

  void schedule(long delayNanos) {
    pending = timers.schedule(() -> mailbox.post(check), delayNanos, TimeUnit.NANOSECONDS);
  }

  void cancel() {
    if (pending != null) {
      pending.cancel(false);
      pending = null;
    }
  }
}
