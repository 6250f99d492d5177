package ai.voice.stt.whisperserver;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * How long one request may take to deliver its upload. Past the deadline the thread reading it is
 * interrupted: the JDK server reads the body from a blocking {@link
 * java.nio.channels.SocketChannel}, an interruptible channel, so the read fails with {@link
 * java.nio.channels.ClosedByInterruptException} and the connection is closed. A client that sends
 * slowly (or not at all) therefore holds its connection for this long at most.
 */
final class UploadDeadline {
  private final Thread reader;
  private final ScheduledFuture<?> timer;
  private boolean ended;
  private boolean expired;

  /** Starts the deadline for the calling thread. */
  UploadDeadline(ScheduledExecutorService timers, Duration limit) {
    this.reader = Thread.currentThread();
    this.timer = timers.schedule(this::expire, limit.toNanos(), TimeUnit.NANOSECONDS);
  }

  private synchronized void expire() {
    if (!ended) {
      expired = true;
      reader.interrupt();
    }
  }

  /**
   * Stops the deadline (idempotent); from here on the reading thread is not interrupted, and an
   * interrupt the deadline already sent is cleared.
   *
   * @return whether the deadline passed before this call
   */
  synchronized boolean end() {
    if (!ended) {
      ended = true;
      timer.cancel(false);
      if (expired) {
        Thread.interrupted();
      }
    }
    return expired;
  }
}
