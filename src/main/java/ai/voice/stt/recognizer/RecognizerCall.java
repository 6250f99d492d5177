package ai.voice.stt.recognizer;

import java.util.ArrayList;
import java.util.List;

/**
 * One recognizer call as the {@link InferenceScheduler} and the {@link Recognizer} share it: the
 * scheduler asks it to stop (the future of its recognition was cancelled: the answer became
 * useless), the recognizer says how it stops (whisper.cpp's abort callback, an HTTP request's
 * cancel) and how much CPU it spent on this machine. Thread-safe: the scheduler aborts from the
 * cancelling thread while the call runs on a worker.
 */
public final class RecognizerCall {
  private final List<Runnable> stops = new ArrayList<>();
  private boolean aborted;
  private double cpuSeconds;
  private boolean cpuMeasured;

  /** What {@link #whileRunning} returns: ends the stop's registration. */
  public interface Registration extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Asks the call to stop: each registered stop runs once, now (under this call's lock, so a stop
   * never runs after its registration was closed). Later aborts do nothing.
   */
  public synchronized void abort() {
    if (aborted) {
      return;
    }
    aborted = true;
    for (Runnable stop : stops) {
      stop.run();
    }
  }

  public synchronized boolean aborted() {
    return aborted;
  }

  /**
   * {@code stop} stops the running call until the registration is closed; it runs at once when the
   * call was already aborted. The recognizer closes the registration before it frees what {@code
   * stop} touches.
   */
  public synchronized Registration whileRunning(Runnable stop) {
    if (aborted) {
      stop.run();
    } else {
      stops.add(stop);
    }
    return () -> {
      synchronized (RecognizerCall.this) {
        stops.remove(stop);
      }
    };
  }

  /** The call spent {@code seconds} more of this machine's CPU (measured by the recognizer). */
  public synchronized void spent(double seconds) {
    cpuSeconds += seconds;
    cpuMeasured = true;
  }

  /** CPU the call spent here so far: 0 for a recognizer that measures none (a remote server). */
  public synchronized double cpuSeconds() {
    return cpuSeconds;
  }

  /** Whether the recognizer measured the call's CPU (the local one does, the HTTP one cannot). */
  public synchronized boolean cpuMeasured() {
    return cpuMeasured;
  }
}
