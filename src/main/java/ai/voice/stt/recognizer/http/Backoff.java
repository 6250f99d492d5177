package ai.voice.stt.recognizer.http;

import java.time.Duration;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * Waits between attempts: doubling from {@code initial} up to {@code max}, each wait drawn from its
 * upper half so that sessions retrying against the same restarted server do not arrive together. A
 * server's {@code Retry-After} (on 429/503) is honoured up to {@code max}.
 */
record Backoff(Duration initial, Duration max, DoubleSupplier random) {

  /**
   * @param retry 1 for the first retry
   */
  Duration before(int retry, Optional<Duration> retryAfter) {
    // 2^20 times the largest allowed initial wait (60 s) still fits in a long of nanoseconds.
    long capped = Math.min(initial.toNanos() << Math.min(retry - 1, 20), max.toNanos());
    long jittered = (long) (capped * (0.5 + 0.5 * random.getAsDouble()));
    long asked = retryAfter.map(d -> Math.min(d.toNanos(), max.toNanos())).orElse(0L);
    return Duration.ofNanos(Math.max(jittered, asked));
  }
}
