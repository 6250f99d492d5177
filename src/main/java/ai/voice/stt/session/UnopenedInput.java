package ai.voice.stt.session;

import ai.voice.stt.protocol.StreamMessage;
import java.time.Duration;

/**
 * What a message for a session id that has no session does (docs/protocol.md, <i>Session ids
 * without a session</i>). Only a {@code start} or audio opens a session, so a stray {@code
 * state_change} or {@code end} for a made-up id costs no session slot (and, with replicas, no
 * claim): an {@code end} is answered with its {@code end_of_stream} result, a {@code state_change}
 * with {@code no_session}. Two records keep ids whose next messages must open nothing:
 *
 * <ul>
 *   <li>a session that <b>ended</b> (its last result is out): a late chunk or {@code state_change}
 *       is answered once with {@code session_ended}, a repeated {@code end} is dropped (never a
 *       second {@code end_of_stream}), until its client has been silent for {@code
 *       STT_ENDED_SESSION_MEMORY};
 *   <li>a session whose {@code start} was <b>rejected</b>: its audio is refused ({@code
 *       start_rejected}, answered once) rather than opening a 16 kHz mono session by default, until
 *       a valid {@code start}, or its client's silence for the session idle timeout.
 * </ul>
 *
 * A valid {@code start} always opens a new session (a new attempt). Both records are bounded
 * ({@link RecentIds}). Pure: the caller passes the time; thread-safe. With replicas every replica
 * hears every message in the same order, so each keeps the same records, and only one answers.
 */
public final class UnopenedInput {
  /** What to do with the message. */
  public enum Decision {
    /** It opens a session. */
    OPEN,
    /** A {@code start} for an id that ended a moment ago: opens a new session from this start. */
    OPEN_AFTER_END,
    /** An {@code end} with no session: its only result, {@code end_of_stream}, sequence 0. */
    END_OF_STREAM,
    /** A {@code state_change} with no session: {@code no_session}. */
    NO_SESSION,
    /** The first late message of an ended session: {@code session_ended}. */
    ENDED,
    /** The first audio after a rejected {@code start}: {@code start_rejected}. */
    START_REJECTED,
    /** A later late message of an ended session (or a repeated {@code end}): dropped, counted. */
    DROP_ENDED,
    /** Later audio after a rejected {@code start}: dropped, counted. */
    DROP_START_REJECTED;

    /** Whether the message opens a session. */
    public boolean opens() {
      return this == OPEN || this == OPEN_AFTER_END;
    }
  }

  private final RecentIds rejectedStarts;
  private final RecentIds ended;

  UnopenedInput(RecentIds rejectedStarts, RecentIds ended) {
    this.rejectedStarts = rejectedStarts;
    this.ended = ended;
  }

  /**
   * @param rejectedStartMemory how long a rejected start is remembered after its client's last
   *     message (the session idle timeout)
   * @param endedMemory how long an ended session's id stays closed after its client's last message
   * @param capacity ids each record holds at most (the least recently heard one makes room)
   */
  public UnopenedInput(Duration rejectedStartMemory, Duration endedMemory, int capacity) {
    this(
        new RecentIds(rejectedStartMemory.toNanos(), capacity),
        new RecentIds(endedMemory.toNanos(), capacity));
  }

  /** A valid message arrived for {@code id}, which has no session. */
  public Decision decide(String id, StreamMessage message, long nowNanos) {
    if (message instanceof StreamMessage.Start) {
      rejectedStarts.forget(id);
      boolean afterEnd = ended.heard(id, nowNanos) != RecentIds.Heard.UNKNOWN;
      ended.forget(id);
      return afterEnd ? Decision.OPEN_AFTER_END : Decision.OPEN;
    }
    switch (ended.heard(id, nowNanos)) {
      case FIRST -> {
        return message instanceof StreamMessage.End ? Decision.DROP_ENDED : Decision.ENDED;
      }
      case AGAIN -> {
        return Decision.DROP_ENDED;
      }
      case UNKNOWN -> {}
    }
    if (message instanceof StreamMessage.End) {
      rejectedStarts.forget(id);
      // Its end_of_stream is out now: a repeated end must not get a second one.
      ended.remember(id, nowNanos, false);
      return Decision.END_OF_STREAM;
    }
    if (message instanceof StreamMessage.StateChange) {
      return Decision.NO_SESSION;
    }
    return switch (rejectedStarts.heard(id, nowNanos)) {
      case FIRST -> Decision.START_REJECTED;
      case AGAIN -> Decision.DROP_START_REJECTED;
      case UNKNOWN -> Decision.OPEN;
    };
  }

  /** A {@code start} for {@code id}, which has no session, was rejected (it was answered). */
  public void startRejected(String id, long nowNanos) {
    rejectedStarts.remember(id, nowNanos, false);
  }

  /** The session {@code id} ended: its last result is out. */
  public void ended(String id, long nowNanos) {
    ended.remember(id, nowNanos, false);
  }
}
