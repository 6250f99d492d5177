package ai.voice.stt.session;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * When this replica knows the input stream may have stored nothing (JetStream routing): its NATS
 * connection was down, the input stream elected a new leader (it stores nothing while it has none),
 * or a session's input was heard on the subject and not delivered. Kept as wall-clock windows,
 * because the evidence that audio went missing is a jump in the chunks' capture {@code timestamp}s,
 * and a session that moved to this replica replays such a jump long after. Thread-safe; keeps the
 * last {@value #KEPT} windows.
 */
public final class InputOutages {
  /**
   * Nothing is ever known lost (plain routing: what a client sends while NATS is down is its own).
   */
  public static final InputOutages NONE = new InputOutages();

  static final int KEPT = 64;
  // The client's clock and this replica's may differ a little; a client also resends late.
  private static final double BEFORE_SECONDS = 1.0;
  private static final double AFTER_SECONDS = 2.0;

  private record Window(double from, double to) {}

  private final Deque<Window> windows = new ArrayDeque<>();
  private double openSince = Double.NaN;

  /** An outage of known extent, in epoch seconds. */
  public synchronized void record(double fromSeconds, double toSeconds) {
    if (this == NONE) {
      return;
    }
    windows.addLast(new Window(fromSeconds, toSeconds));
    while (windows.size() > KEPT) {
      windows.pollFirst();
    }
  }

  /** An outage begins now (the connection dropped); {@link #ended} closes it. */
  public synchronized void began(double nowSeconds) {
    if (Double.isNaN(openSince)) {
      openSince = nowSeconds;
    }
  }

  public synchronized void ended(double nowSeconds) {
    if (!Double.isNaN(openSince)) {
      double since = openSince;
      openSince = Double.NaN;
      record(since, nowSeconds);
    }
  }

  /**
   * Whether audio captured from {@code fromSeconds} to {@code toSeconds} (the client's clock) falls
   * in a known outage, give or take the clocks' difference.
   */
  synchronized boolean covers(double fromSeconds, double toSeconds) {
    if (!Double.isNaN(openSince) && toSeconds >= openSince - BEFORE_SECONDS) {
      return true;
    }
    for (Window w : windows) {
      if (fromSeconds >= w.from() - BEFORE_SECONDS && fromSeconds <= w.to() + AFTER_SECONDS) {
        return true;
      }
    }
    return false;
  }
}
