package ai.voice.stt.session;

/**
 * A session's claim on the shared record of its progress. With one replica (plain routing) there is
 * nothing to share and every call succeeds; with JetStream routing each write is a compare-and-set
 * on the session's key, which is also what fences a replica that lost the session. The claim has no
 * timer of its own: it holds while the replica's heartbeat does (docs/decisions/0012-replicas.md).
 */
public interface SessionClaim {

  /** What became of a write of the session's progress. */
  enum Commit {
    /** Written: this replica holds the session, and what the write precedes may be published. */
    RECORDED,
    /** Another replica took the session over; it carries on from the record. Say nothing more. */
    TAKEN_OVER,
    /**
     * This replica is shutting down before it could write (NATS unreachable meanwhile): it says
     * nothing more, and whoever adopts the session replays it from its last record.
     */
    REPLICA_LEAVING
  }

  /**
   * Records the session's progress, waiting through a NATS outage for as long as it lasts: an
   * outage is not a takeover, and a session whose progress cannot be recorded can publish nothing
   * that another replica would not publish again.
   */
  Commit commit(SessionCheckpoint checkpoint);

  /**
   * Whether this replica may publish something that needs no record (an interim, an error) without
   * writing first: its heartbeat has held without a lapse since the claim's last write, so no other
   * replica can have taken the session meanwhile.
   */
  boolean current();

  /**
   * Publishes the committed output {@code output} once: {@code confirmed} publishes it and says
   * whether the server has it. Not confirmed, it cannot arrive later (its connection was closed
   * with it), so the claim finds out whether it got out and, if not, publishes it again while the
   * session is still this replica's.
   *
   * @return false when another replica took the session over meanwhile (it decides, from the
   *     results stream, whether to produce the output again) or this replica is leaving
   */
  default boolean publish(long output, java.util.function.BooleanSupplier confirmed) {
    confirmed.getAsBoolean();
    return true;
  }

  /**
   * Whether the session's record is old enough that it should be written again even without an
   * output (a silent session: its replay point must not fall behind what the input stream keeps).
   */
  default boolean recordDue() {
    return false;
  }

  /** Hands the session to the next replica, which resumes from {@code checkpoint}. */
  void release(SessionCheckpoint checkpoint);

  /** The session published its last result: forget it. */
  void ended(long lastSeq);

  /** Plain routing: nothing to record. */
  SessionClaim LOCAL =
      new SessionClaim() {
        @Override
        public Commit commit(SessionCheckpoint checkpoint) {
          return Commit.RECORDED;
        }

        @Override
        public boolean current() {
          return true;
        }

        @Override
        public void release(SessionCheckpoint checkpoint) {}

        @Override
        public void ended(long lastSeq) {}
      };
}
