package ai.voice.stt.session;

/**
 * What a session shares with the other replicas (JetStream routing, docs/decisions/0012): its
 * checkpoint, written before every result or interrupt leaves and numbered, so that a replica
 * taking over after a crash can tell whether that output reached the results stream; the release at
 * a hand-over; the fence when another replica took the session. With one replica the claim is
 * {@link SessionClaim#LOCAL} and nothing is written. No clock, no threads: the claim is the only
 * side effect.
 */
final class SessionProgress {
  /**
   * {@link #commit()}'s answer when this replica no longer speaks for the session: another replica
   * took it over, or this one is leaving before it could record anything. Either way it publishes
   * nothing more, and the session goes on from its last record elsewhere.
   */
  static final long NOT_OURS = -1;

  // The owner field of checkpoints this session commits; the claim fills in the replica's id.
  private static final String OWNED = "*";

  private final SessionClaim claim;
  private final ResultSequencer results;
  private final StreamPosition stream;
  private final Conversation conversation;
  private final long openedEpochMillis;
  private long outputs;

  SessionProgress(
      SessionClaim claim,
      SessionCheckpoint from,
      ResultSequencer results,
      StreamPosition stream,
      Conversation conversation) {
    this.claim = claim;
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
   *     #NOT_OURS}: nothing may be published
   */
  long commit() {
    if (claim == SessionClaim.LOCAL) {
      return 0;
    }
    if (claim.commit(checkpoint(OWNED, outputs + 1)) != SessionClaim.Commit.RECORDED) {
      return NOT_OURS;
    }
    return ++outputs;
  }

  /**
   * Whether something that needs no record of its own (an interim, an error) may be published now:
   * the claim has held since its last write, or a write of the session's progress as it stands
   * confirms it.
   *
   * @return false when this replica no longer speaks for the session
   */
  boolean speaks() {
    return claim.current() || record();
  }

  /**
   * Writes the session's progress without an output (its settings, state and replay point), so a
   * next owner finds them even when the messages that set them are no longer in the stream.
   *
   * @return false when this replica no longer speaks for the session
   */
  boolean record() {
    return claim == SessionClaim.LOCAL
        || claim.commit(checkpoint(OWNED, outputs)) == SessionClaim.Commit.RECORDED;
  }

  /**
   * Publishes committed output {@code output} once (see {@link SessionClaim#publish}).
   *
   * @return false when this replica no longer speaks for the session
   */
  boolean publish(long output, java.util.function.BooleanSupplier confirmed) {
    return claim.publish(output, confirmed);
  }

  /**
   * Writes the session's progress when its record is due (see {@link SessionClaim#recordDue}).
   *
   * @return false when this replica no longer speaks for the session
   */
  boolean recordIfDue() {
    return !claim.recordDue() || record();
  }

  /** Gives the session to the next replica, which resumes where this one stands. */
  void release() {
    claim.release(checkpoint("", outputs));
  }

  /** The session published its last result: nothing of it needs keeping. */
  void ended() {
    claim.ended(stream.last());
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
