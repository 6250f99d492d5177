package ai.voice.stt.session;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Session ids whose opening was refused ({@code service_busy}, {@code session_limit}) and whose
 * client has not started again: their further messages are dropped quietly, since the refusal was
 * already answered once (docs/protocol.md). A {@code start} is a new attempt and forgets the
 * refusal. Memory is bounded twice: a refusal is forgotten once its client has sent nothing for
 * {@code idleNanos} (the session idle timeout), and at {@code capacity} ids the one whose client
 * was heard from least recently is forgotten to make room; a forgotten id's next message is handled
 * like any unknown session's. Pure: the caller passes the time; thread-safe (its own monitor).
 */
final class RefusedSessions {
  private final long idleNanos;
  private final int capacity;
  // Id -> when its client was last heard from; iteration order is that time, oldest first.
  private final LinkedHashMap<String, Long> lastHeard = new LinkedHashMap<>();

  RefusedSessions(long idleNanos, int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
    }
    this.idleNanos = idleNanos;
    this.capacity = capacity;
  }

  /** The opening of {@code id} was refused and answered at {@code nowNanos}. */
  synchronized void refused(String id, long nowNanos) {
    forgetIdle(nowNanos);
    lastHeard.remove(id);
    lastHeard.put(id, nowNanos);
    if (lastHeard.size() > capacity) {
      Iterator<String> oldest = lastHeard.keySet().iterator();
      oldest.next();
      oldest.remove();
    }
  }

  /**
   * A message other than {@code start} arrived for {@code id}, which has no session.
   *
   * @return true when it belongs to a refused session and is to be dropped quietly (the refusal is
   *     then remembered from now on for another idle timeout)
   */
  synchronized boolean heard(String id, long nowNanos) {
    forgetIdle(nowNanos);
    if (lastHeard.remove(id) == null) {
      return false;
    }
    lastHeard.put(id, nowNanos);
    return true;
  }

  /** A {@code start} for {@code id}: a new attempt, decided afresh. */
  synchronized void forget(String id) {
    lastHeard.remove(id);
  }

  synchronized int size() {
    return lastHeard.size();
  }

  private void forgetIdle(long nowNanos) {
    Iterator<Map.Entry<String, Long>> it = lastHeard.entrySet().iterator();
    while (it.hasNext() && nowNanos - it.next().getValue() >= idleNanos) {
      it.remove();
    }
  }
}
