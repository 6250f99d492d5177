package ai.voice.stt.session;

/**
 * Where a session stands in its input stream (JetStream routing numbers each message; plain routing
 * passes 0). A session carried on from another replica replays the stream from its checkpoint:
 * messages up to {@code replayedUntil} were applied by the previous owner, whose effect is in the
 * checkpoint, so they are not answered again. A pure policy: no clock, no threads.
 */
final class StreamPosition {
  private final long replayedUntil;
  private long current;
  private long last;

  /**
   * @param replayedUntil the last stream sequence the previous owner applied (0 for a new session)
   */
  StreamPosition(long replayedUntil) {
    this.replayedUntil = replayedUntil;
    this.last = replayedUntil;
  }

  /**
   * The session starts handling the message at {@code seq}.
   *
   * @return true when a previous owner already applied it (a replay)
   */
  boolean enter(long seq) {
    current = seq;
    last = Math.max(last, seq);
    return replaying();
  }

  /** The message being handled was applied by the previous owner, who answered it. */
  boolean replaying() {
    return current > 0 && current <= replayedUntil;
  }

  /** The stream sequence of the message being handled (0 without JetStream routing). */
  long current() {
    return current;
  }

  /** The highest stream sequence the session has handled: its checkpoint's. */
  long last() {
    return last;
  }
}
