package ai.voice.stt.recognizer.http;

import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Stops calling a server that keeps failing, so sessions get a fast, clear error instead of each
 * waiting out its own retries against a dead host.
 *
 * <p>Closed: every call goes ahead; {@code failureThreshold} consecutive failed attempts open it.
 * Open: calls are refused at once until {@code openNanos} have passed. Half-open: one trial call
 * goes ahead (others are refused); its success closes the circuit, its failure opens it again.
 */
final class CircuitBreaker {
  enum State {
    CLOSED,
    OPEN,
    HALF_OPEN
  }

  private final int failureThreshold;
  private final long openNanos;
  private final LongSupplier nanoClock;
  private final ReentrantLock lock = new ReentrantLock();
  private State state = State.CLOSED;
  private int consecutiveFailures;
  private long openedAt;
  private boolean trialInFlight;
  private String lastFailure = "";

  CircuitBreaker(int failureThreshold, long openNanos, LongSupplier nanoClock) {
    this.failureThreshold = failureThreshold;
    this.openNanos = openNanos;
    this.nanoClock = nanoClock;
  }

  /**
   * Asks to make one attempt.
   *
   * @return empty when the attempt may go ahead (report its outcome), otherwise why it may not
   */
  Optional<String> tryAcquire() {
    lock.lock();
    try {
      switch (state) {
        case CLOSED -> {
          return Optional.empty();
        }
        case OPEN -> {
          long waited = nanoClock.getAsLong() - openedAt;
          if (waited < openNanos) {
            return Optional.of(
                String.format(
                    "circuit open after %d consecutive failures (last: %s); next trial in %.1f s",
                    consecutiveFailures, lastFailure, (openNanos - waited) / 1e9));
          }
          state = State.HALF_OPEN;
          trialInFlight = true;
          return Optional.empty();
        }
        case HALF_OPEN -> {
          if (trialInFlight) {
            return Optional.of(
                "circuit half-open: waiting for a trial request (last failure: "
                    + lastFailure
                    + ")");
          }
          trialInFlight = true;
          return Optional.empty();
        }
      }
      throw new IllegalStateException(state.toString());
    } finally {
      lock.unlock();
    }
  }

  /** The server answered (even with a client error: it is alive). */
  void onSuccess() {
    lock.lock();
    try {
      state = State.CLOSED;
      consecutiveFailures = 0;
      trialInFlight = false;
    } finally {
      lock.unlock();
    }
  }

  /** The server could not be reached, was overloaded, failed or did not answer in time. */
  void onFailure(String reason) {
    lock.lock();
    try {
      consecutiveFailures++;
      lastFailure = reason;
      if (state == State.HALF_OPEN
          || (state == State.CLOSED && consecutiveFailures >= failureThreshold)) {
        // Late failures of calls that started before the circuit opened keep the open window.
        state = State.OPEN;
        openedAt = nanoClock.getAsLong();
      }
      trialInFlight = false;
    } finally {
      lock.unlock();
    }
  }

  /** An acquired attempt ended without an outcome (interrupted): free the trial slot. */
  void onAbandoned() {
    lock.lock();
    try {
      trialInFlight = false;
    } finally {
      lock.unlock();
    }
  }

  State state() {
    lock.lock();
    try {
      return state;
    } finally {
      lock.unlock();
    }
  }
}
