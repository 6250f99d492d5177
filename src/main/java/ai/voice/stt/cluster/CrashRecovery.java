package ai.voice.stt.cluster;

import ai.voice.stt.session.SessionCheckpoint;
import java.util.List;
import java.util.OptionalLong;

/**
 * Where a session resumes when its owner died (a pure policy, docs/decisions/0012-replicas.md). The
 * owner commits a numbered checkpoint before each result or interrupt and only then publishes it,
 * so a crash between the two leaves a checkpoint one output ahead of what clients received. The
 * results stream says which output numbers arrived; the session's key keeps its last checkpoints.
 */
final class CrashRecovery {
  private CrashRecovery() {}

  /** What became of the output the newest checkpoint was written for. */
  enum Last {
    /** It reached clients, or nobody can tell: resume from the newest checkpoint. */
    DELIVERED,
    /** It never left: resume from the checkpoint before it, which produces it again. */
    REPLAYED,
    /** It never left and the checkpoint before it is gone: the client must hear what was lost. */
    LOST
  }

  record Resume(SessionCheckpoint from, Last last) {}

  /**
   * @param history the session's checkpoints, oldest first; the last is the current one
   * @param delivered the highest output number found in the results stream (0: none found), or
   *     empty when the stream could not be read
   */
  static Resume resume(List<SessionCheckpoint> history, OptionalLong delivered) {
    SessionCheckpoint current = history.getLast();
    if (delivered.isEmpty() || delivered.getAsLong() != current.outputs() - 1) {
      // Delivered, or a difference no crash between one checkpoint and its output explains (the
      // stream's record of older outputs aged out): the newest checkpoint is the best there is.
      return new Resume(current, Last.DELIVERED);
    }
    for (int i = history.size() - 1; i >= 0; i--) {
      if (history.get(i).outputs() == delivered.getAsLong()) {
        return new Resume(history.get(i), Last.REPLAYED);
      }
    }
    return new Resume(current, Last.LOST);
  }
}
