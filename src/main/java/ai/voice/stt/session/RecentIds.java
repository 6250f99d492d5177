package ai.voice.stt.session;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Session ids that have no session but whose next messages are not to open one: refused sessions
 * ({@code service_busy}, {@code session_limit}), sessions whose {@code start} was rejected, and
 * sessions that ended (docs/protocol.md). A {@code start} is a new attempt and the caller forgets
 * the id. Memory is bounded twice: an id is forgotten once its client has sent nothing for {@code
 * idleNanos}, and at {@code capacity} ids the one whose client was heard from least recently is
 * forgotten to make room; a forgotten id's next message is handled like any unknown session's.
 *
 * <p>Each id also says whether its client has been answered: the caller answers the first message
 * it drops ({@link Heard#FIRST}) and drops the rest quietly ({@link Heard#AGAIN}), so a client
 * hears once why, and a flood of messages costs no flood of replies. Pure: the caller passes the
 * time; thread-safe (its own monitor).
 */
final class RecentIds {
  /** What a message of an id means to the record. */
  enum Heard {
    /** Not remembered: handled like any unknown session's message. */
    UNKNOWN,
    /** Remembered, and its client has not been answered yet: answer this message, once. */
    FIRST,
    /** Remembered and answered already: drop it quietly. */
    AGAIN
  }

  private final long idleNanos;
  private final int capacity;
  // Id -> when its client was last heard from and whether it was answered; iteration order is
  // that time, oldest first.
  private final LinkedHashMap<String, Entry> lastHeard = new LinkedHashMap<>();

  private record Entry(long heardNanos, boolean answered) {}

  RecentIds(long idleNanos, int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
    }
    this.idleNanos = idleNanos;
    this.capacity = capacity;
  }

  /**
   * Remembers {@code id} from {@code nowNanos}; {@code answered}: its client has already been told
   * why its next messages open nothing.
   */
  synchronized void remember(String id, long nowNanos, boolean answered) {
    forgetIdle(nowNanos);
    lastHeard.remove(id);
    lastHeard.put(id, new Entry(nowNanos, answered));
    if (lastHeard.size() > capacity) {
      Iterator<String> oldest = lastHeard.keySet().iterator();
      oldest.next();
      oldest.remove();
    }
  }

  /**
   * A message other than {@code start} arrived for {@code id}, which has no session. A remembered
   * id is remembered from now on for another {@code idleNanos}, and counts as answered from now on.
   */
  synchronized Heard heard(String id, long nowNanos) {
    forgetIdle(nowNanos);
    Entry entry = lastHeard.remove(id);
    if (entry == null) {
      return Heard.UNKNOWN;
    }
    lastHeard.put(id, new Entry(nowNanos, true));
    return entry.answered() ? Heard.AGAIN : Heard.FIRST;
  }

  /** A {@code start} for {@code id}: a new attempt, decided afresh. */
  synchronized void forget(String id) {
    lastHeard.remove(id);
  }

  synchronized int size() {
    return lastHeard.size();
  }

  private void forgetIdle(long nowNanos) {
    Iterator<Map.Entry<String, Entry>> it = lastHeard.entrySet().iterator();
    while (it.hasNext() && nowNanos - it.next().getValue().heardNanos() >= idleNanos) {
      it.remove();
    }
  }
}
