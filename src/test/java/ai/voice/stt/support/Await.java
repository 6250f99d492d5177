package ai.voice.stt.support;

import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition that nothing signals (a counter in the service, a process state), checking
 * it every few milliseconds up to a deadline. The deadline is a failure bound, never a measurement.
 */
public final class Await {
  private static final long POLL_NANOS = 10_000_000;

  private Await() {}

  public static void until(BooleanSupplier condition, Duration timeout, Supplier<String> what)
      throws TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new TimeoutException("not within " + timeout + ": " + what.get());
      }
      LockSupport.parkNanos(POLL_NANOS);
    }
  }

  public static void until(BooleanSupplier condition, Duration timeout, String what)
      throws TimeoutException {
    until(condition, timeout, () -> what);
  }
}
