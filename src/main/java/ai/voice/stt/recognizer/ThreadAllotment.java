package ai.voice.stt.recognizer;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many threads one whisper call gets. With elastic allotment, cores of idle workers are lent to
 * the calls that run: alone, a call uses every core (lowest latency for one conversation); under
 * load every call falls back to its base share (highest throughput). The count is fixed at the
 * call's start, so a call that starts alone keeps its threads while others join; the
 * oversubscription lasts one call at most.
 */
final class ThreadAllotment {
  private final int base;
  private final int cores;
  private final AtomicInteger running = new AtomicInteger();

  /**
   * @param base threads per call when every worker is busy
   * @param elasticCores cores to share between running calls, or 0 for a fixed {@code base}
   */
  ThreadAllotment(int base, int elasticCores) {
    this.base = base;
    this.cores = elasticCores;
  }

  /** Registers a starting call and returns its thread count; pair with {@link #release()}. */
  int acquire() {
    int calls = running.incrementAndGet();
    return cores <= 0 ? base : Math.max(base, cores / calls);
  }

  /** Registers a starting call that borrows nothing: {@code base} threads; pair with release. */
  int acquireBase() {
    running.incrementAndGet();
    return base;
  }

  void release() {
    running.decrementAndGet();
  }

  String describe() {
    return cores <= 0
        ? base + " threads"
        : base + "-" + Math.max(base, cores) + " threads (elastic)";
  }
}
