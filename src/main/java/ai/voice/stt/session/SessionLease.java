package ai.voice.stt.session;

/**
 * A session's claim on the shared record of its progress. With one replica (plain routing) there is
 * nothing to share and every call succeeds; with JetStream routing each call is a compare-and-set
 * on the session's key, which is also what fences a replica that lost the session.
 */
public interface SessionLease {
  /**
   * Records the session's progress before an output leaves.
   *
   * @return false when another replica owns the session now: the output must not be published
   */
  boolean commit(SessionCheckpoint checkpoint);

  /** Hands the session to the next replica, which resumes from {@code checkpoint}. */
  void release(SessionCheckpoint checkpoint);

  /** The session published its last result: forget it. */
  void ended(long lastSeq);

  /** Plain routing: nothing to record. */
  SessionLease LOCAL =
      new SessionLease() {
        @Override
        public boolean commit(SessionCheckpoint checkpoint) {
          return true;
        }

        @Override
        public void release(SessionCheckpoint checkpoint) {}

        @Override
        public void ended(long lastSeq) {}
      };
}
