package ai.voice.stt.session;

/**
 * What a session shares with the other replicas (JetStream routing, docs/decisions/0012): its
 * checkpoint, written before every result or interrupt leaves and numbered, so that a replica
 * taking over after a crash can tell whether that output reached the results stream; the release at
 * a hand-over; the fence when another replica took the session. With one replica the lease is
 * {@link SessionLease#LOCAL} and nothing is written. No clock, no threads: the lease is the only
 * side effect.
 */
final class SessionProgress {
  /** {@link #commit()}'s answer when another replica holds the session now. */
  static final long FENCED = -1;

  // The owner field of checkpoints this session commits; the lease fills in the replica's id.
  private static final String OWNED = "*";

  private final SessionLease lease;
  private final ResultSequencer results;
  private final StreamPosition stream;
  private final Conversation conversation;
  private final long openedEpochMillis;
  private long outputs;

  SessionProgress(
      SessionLease lease,
      SessionCheckpoint from,
      ResultSequencer results,
      StreamPosition stream,
      Conversation conversation) {
    this.lease = lease;
    this.results = results;
    this.stream = stream;
    this.conversation = conversation;
    this.openedEpochMillis = from.openedEpochMillis();
    this.outputs = from.outputs();
  }

  /**
   * Records the session's progress as it will be once the next result or interrupt is out.
   *
   * @return that output's number (1, 2, …), 0 when nothing is shared (one replica), or {@link
   *     #FENCED}: another replica owns the session and nothing may be published
   */
  long commit() {
    if (lease == SessionLease.LOCAL) {
      return 0;
    }
    if (!lease.commit(checkpoint(OWNED, outputs + 1))) {
      return FENCED;
    }
    return ++outputs;
  }

  /** Gives the session to the next replica, which resumes where this one stands. */
  void release() {
    lease.release(checkpoint("", outputs));
  }

  /** The session published its last result: nothing of it needs keeping. */
  void ended() {
    lease.ended(stream.last());
  }

  long openedEpochMillis() {
    return openedEpochMillis;
  }

  /**
   * The session's progress: the next owner replays from the first chunk not yet covered by a
   * published result, so nothing is lost and nothing published is published again.
   */
  SessionCheckpoint checkpoint(String owner, long outputCount) {
    ResultSequencer.Mark resumeFrom = results.replayPoint();
    return new SessionCheckpoint(
        owner,
        resumeFrom.seq(),
        stream.last(),
        resumeFrom.timeline(),
        resumeFrom.acceptedFrames(),
        results.coveredUntil(),
        results.nextSequence(),
        outputCount,
        conversation.state(),
        conversation.settings(),
        conversation.receivedAudio(),
        openedEpochMillis);
  }
}
