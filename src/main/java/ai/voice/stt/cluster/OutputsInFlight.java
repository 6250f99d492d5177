package ai.voice.stt.cluster;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sessions of this replica with a committed output on its way out (published, not yet confirmed
 * by the server). A replica taking such a session over asks before it produces that output again:
 * while this replica may still publish it, the taker waits for it to show in the results stream
 * (docs/decisions/0012-replicas.md, "Nothing delivered late").
 */
final class OutputsInFlight {
  private final Set<String> sessions = ConcurrentHashMap.newKeySet();

  void started(String sessionId) {
    sessions.add(sessionId);
  }

  void done(String sessionId) {
    sessions.remove(sessionId);
  }

  boolean publishing(String sessionId) {
    return sessions.contains(sessionId);
  }
}
