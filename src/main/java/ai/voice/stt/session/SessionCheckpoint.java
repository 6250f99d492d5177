package ai.voice.stt.session;

import ai.voice.stt.protocol.SessionState;
import ai.voice.stt.protocol.StreamMessage;
import java.util.Optional;

/**
 * What another replica needs to carry a session on: where to replay its input from, and the state
 * it had reached (docs/decisions/0012-replicas.md). Written before every output leaves, so a
 * replica that takes over publishes nothing twice and continues the sequence and the timeline.
 *
 * @param owner the replica that holds the session; empty when released for the next one
 * @param resumeSeq stream sequence to replay from (0: the session's first message)
 * @param lastSeq the newest stream message already applied: replayed messages up to it re-feed
 *     their audio, but their settings and state changes are already in this checkpoint and their
 *     errors were already answered
 * @param timeline the 16 kHz timeline position of the audio at {@code resumeSeq}
 * @param acceptedFrames audio frames (of the session's format) accepted before {@code resumeSeq}
 * @param covered the timeline position up to which results were published
 * @param sequence the next result's sequence number
 * @param outputs how many results and interrupts the session has committed: the output this
 *     checkpoint was written for carries this number (a replica taking over after a crash compares
 *     it with what reached the results stream, decisions/0012)
 * @param openedEpochMillis when the session opened (for its duration limit)
 */
public record SessionCheckpoint(
    String owner,
    long resumeSeq,
    long lastSeq,
    long timeline,
    long acceptedFrames,
    long covered,
    long sequence,
    long outputs,
    SessionState state,
    StreamMessage.Start settings,
    boolean receivedAudio,
    long openedEpochMillis) {

  /** A session nobody has heard yet: replay from its first message. */
  public static SessionCheckpoint fresh(String owner, long nowEpochMillis) {
    return new SessionCheckpoint(
        owner,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        SessionState.LISTENING,
        StreamMessage.Start.defaults(),
        false,
        nowEpochMillis);
  }

  /**
   * A session nobody has heard yet whose input begins at stream sequence {@code resumeSeq}: a new
   * attempt after a refusal, which starts at its {@code start} (earlier input is never replayed).
   */
  public static SessionCheckpoint freshAt(String owner, long resumeSeq, long nowEpochMillis) {
    return new SessionCheckpoint(
        owner,
        resumeSeq,
        0,
        0,
        0,
        0,
        0,
        0,
        SessionState.LISTENING,
        StreamMessage.Start.defaults(),
        false,
        nowEpochMillis);
  }

  public SessionCheckpoint withOwner(String newOwner) {
    return new SessionCheckpoint(
        newOwner,
        resumeSeq,
        lastSeq,
        timeline,
        acceptedFrames,
        covered,
        sequence,
        outputs,
        state,
        settings,
        receivedAudio,
        openedEpochMillis);
  }

  public boolean released() {
    return owner.isEmpty();
  }

  /** The speaker id as the settings carry it. */
  public Optional<String> speakerId() {
    return settings.speakerId();
  }
}
