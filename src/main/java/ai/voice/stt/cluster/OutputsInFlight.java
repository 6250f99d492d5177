package ai.voice.stt.cluster;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * The sessions of this replica with a committed output on its way out (published, not yet confirmed
 * by the server). A replica taking such a session over asks before it produces that output again:
 * while this replica may still publish it, the taker waits for it to show in the results stream
 * (docs/decisions/0012-replicas.md, "Nothing delivered late").
 */
final class OutputsInFlight {
  // How long this replica remembers the last output it got confirmed per session: a taker asks
  // within its claim, seconds after the session left here.
  private static final long REMEMBERED_NANOS = TimeUnit.MINUTES.toNanos(10);

  private record Published(long output, long atNanos) {}

  private final Set<String> sessions = ConcurrentHashMap.newKeySet();
  private final ConcurrentMap<String, Published> published = new ConcurrentHashMap<>();

  void started(String sessionId) {
    sessions.add(sessionId);
  }

  void done(String sessionId) {
    sessions.remove(sessionId);
  }

  boolean publishing(String sessionId) {
    return sessions.contains(sessionId);
  }

  /**
   * The server confirmed output {@code output} of the session (a flush, or it showed in the results
   * stream): whoever takes the session over must not produce it again, even when the results stream
   * did not store it (a stream without a leader stores nothing, while core subscribers get the
   * message).
   */
  void published(String sessionId, long output) {
    long now = System.nanoTime();
    published.merge(
        sessionId,
        new Published(output, now),
        (a, b) -> a.output() >= b.output() ? new Published(a.output(), now) : b);
    published.values().removeIf(p -> now - p.atNanos() > REMEMBERED_NANOS);
  }

  /** The highest output of the session this replica got confirmed (0: none remembered). */
  long lastPublished(String sessionId) {
    Published p = published.get(sessionId);
    return p == null ? 0 : p.output();
  }
}
