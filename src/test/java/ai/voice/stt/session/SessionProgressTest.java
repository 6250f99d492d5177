package ai.voice.stt.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a session records for the other replicas: a numbered checkpoint before each output, the
 * release at a hand-over, and the fence when another replica took it.
 */
class SessionProgressTest {
  /** A claim that keeps what was written and refuses commits once told to. */
  private static final class RecordingLease implements SessionClaim {
    final List<SessionCheckpoint> commits = new ArrayList<>();
    final List<SessionCheckpoint> releases = new ArrayList<>();
    Commit answer = Commit.RECORDED;
    boolean current = true;
    long endedAt = -1;

    @Override
    public Commit commit(SessionCheckpoint checkpoint) {
      if (answer == Commit.RECORDED) {
        commits.add(checkpoint);
      }
      return answer;
    }

    @Override
    public boolean current() {
      return current;
    }

    @Override
    public void release(SessionCheckpoint checkpoint) {
      releases.add(checkpoint);
    }

    @Override
    public void ended(long lastSeq) {
      endedAt = lastSeq;
    }
  }

  private final SessionCheckpoint from = SessionCheckpoint.fresh("", 1_000);
  private final ResultSequencer results = new ResultSequencer(new Backlog(), from);
  private final StreamPosition stream = new StreamPosition(0);
  private final Conversation conversation =
      new Conversation(new InterruptDetector(3, 2), true, from);

  private SessionProgress progress(SessionClaim lease) {
    return new SessionProgress(lease, from, results, stream, conversation);
  }

  @Test
  void eachOutputsCheckpointCarriesItsNumberAndTheStateAfterIt() {
    RecordingLease lease = new RecordingLease();
    SessionProgress progress = progress(lease);
    stream.enter(7);
    results.lastEmpty(16_000); // a result covering the first second: sequence 0
    assertEquals(1, progress.commit());
    assertEquals(2, progress.commit());
    SessionCheckpoint second = lease.commits.getLast();
    assertEquals(2, second.outputs());
    assertEquals(1, second.sequence(), "the next result's number");
    assertEquals(16_000, second.covered());
    assertEquals(7, second.lastSeq());
    assertEquals(1_000, second.openedEpochMillis());
  }

  @Test
  void aCommitThatFindsTheSessionTakenOverPublishesNothingAndKeepsTheCount() {
    RecordingLease lease = new RecordingLease();
    SessionProgress progress = progress(lease);
    assertEquals(1, progress.commit());
    lease.answer = SessionClaim.Commit.TAKEN_OVER;
    assertEquals(SessionProgress.NOT_OURS, progress.commit());
    lease.answer = SessionClaim.Commit.REPLICA_LEAVING;
    assertEquals(SessionProgress.NOT_OURS, progress.commit());
    lease.answer = SessionClaim.Commit.RECORDED;
    assertEquals(2, progress.commit(), "a commit that was not recorded used no number");
  }

  @Test
  void anUnrecordedMessageNeedsNoWriteWhileTheClaimHolds() {
    RecordingLease lease = new RecordingLease();
    SessionProgress progress = progress(lease);
    assertTrue(progress.speaks());
    assertEquals(0, lease.commits.size());
  }

  @Test
  void afterAHeartbeatLapseAWriteConfirmsTheClaimBeforeAnythingIsSaid() {
    RecordingLease lease = new RecordingLease();
    SessionProgress progress = progress(lease);
    progress.commit();
    lease.current = false;
    assertTrue(progress.speaks());
    assertEquals(2, lease.commits.size(), "the progress was written again");
    assertEquals(1, lease.commits.getLast().outputs(), "without using an output number");
    lease.answer = SessionClaim.Commit.TAKEN_OVER;
    assertFalse(progress.speaks(), "taken over meanwhile: nothing may be said");
  }

  @Test
  void aHandOverReleasesTheSessionWithNoOwnerAndTheOutputsSoFar() {
    RecordingLease lease = new RecordingLease();
    SessionProgress progress = progress(lease);
    progress.commit();
    progress.release();
    SessionCheckpoint released = lease.releases.getLast();
    assertTrue(released.released());
    assertEquals(1, released.outputs());
  }

  @Test
  void aSessionCarriedOnContinuesTheNumbering() {
    RecordingLease lease = new RecordingLease();
    SessionCheckpoint carried =
        new SessionCheckpoint(
            "r1", 5, 9, 0, 0, 0, 3, 4, from.state(), from.settings(), true, 1_000);
    SessionProgress progress = new SessionProgress(lease, carried, results, stream, conversation);
    assertEquals(5, progress.commit());
  }

  @Test
  void withOneReplicaNothingIsWrittenAndOutputsAreUnnumbered() {
    SessionProgress progress = progress(SessionClaim.LOCAL);
    assertEquals(0, progress.commit());
    assertEquals(0, progress.commit());
  }
}
